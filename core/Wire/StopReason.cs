namespace TrpoEdge.Core.Wire;

/// <summary>Why the host sent STOP. The rig's behaviour is the same for each (zero the motor, go
/// idle); the reason only goes to the rig's log.</summary>
public enum StopReason : byte
{
    EpisodeEnd = 0,
    Shutdown = 1,
    Safety = 2,
    Error = 3,
}
