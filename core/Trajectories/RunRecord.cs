namespace TrpoEdge.Core.Trajectories;

/// <summary>A run as read back from a store. <see cref="EndedAt"/> is null when the writer never closed
/// (a crash, or a run still being written).</summary>
public sealed record RunRecord(long Id, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, RunInfo Info)
{
    public int ObservationSize => Info.ObservationSpace.FlatSize;
    public int ActionSize => Info.ActionSpace.FlatSize;
    /// <summary>The writing process (<see cref="WriterProcess"/>); null in version-1 stores and for runs collected over MQTT.</summary>
    public int? WriterPid { get; init; }
    public string? WriterStartedAt { get; init; }

    /// <summary>True when the run has not ended and its writer is known to be alive on this machine: its last
    /// incomplete episode is still being written, not cut by a crash.</summary>
    public bool IsBeingWritten =>
        EndedAt is null && WriterPid is int pid && WriterStartedAt is { } started
        && string.Equals(Info.Host, Environment.MachineName, StringComparison.Ordinal) && WriterProcess.IsAlive(pid, started);
}
