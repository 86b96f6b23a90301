using TrpoEdge.Core.Wire;

namespace TrpoEdge.Emulator;

/// <summary>What the virtual rig has seen so far.</summary>
public readonly record struct EmulatorStats(
    long Sessions,
    long StatesSent,
    long ActionsApplied,
    long ActionsLost,
    long StaleActions,
    long BadActions,
    long ClippedActions,
    long LateActions,
    long WatchdogTrips,
    long DroppedWrites,
    FrameDecoderStats Decoder)
{
    public override string ToString() =>
        $"{Sessions} sessions, {StatesSent} states sent, {ActionsApplied} actions applied ({ActionsLost} lost, {StaleActions} stale, " +
        $"{BadActions} bad, {ClippedActions} clipped, {LateActions} late), {WatchdogTrips} watchdog trips, {DroppedWrites} writes dropped; frames: {Decoder}";
}
