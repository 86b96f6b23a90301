using TrpoEdge.Core.Wire;

namespace TrpoEdge.Runtime.Serial;

/// <summary>The host's view of a serial link, for the run summary. Round-trip times are from writing
/// an ACTION to reading the first STATE that acknowledges it, in nanoseconds; for a timed rig this
/// includes waiting for the rig's next control tick.</summary>
public readonly record struct SerialLinkStats(
    long StatesReceived,
    long MissedStates,
    long StaleStates,
    long SkippedStates,
    long Faults,
    long WatchdogStates,
    long RoundTrips,
    double RoundTripP50Ns,
    double RoundTripP99Ns,
    FrameDecoderStats Decoder,
    long ActionsNotApplied = 0)
{
    public override string ToString() =>
        $"{StatesReceived} states ({MissedStates} missed on the wire, {SkippedStates} skipped as late, {StaleStates} stale), " +
        $"{Faults} faults, {WatchdogStates} with the watchdog tripped, {ActionsNotApplied} actions not applied; round trip p50 {RoundTripP50Ns / 1e6:F3} ms, " +
        $"p99 {RoundTripP99Ns / 1e6:F3} ms over {RoundTrips}; frames: {Decoder}";
}
