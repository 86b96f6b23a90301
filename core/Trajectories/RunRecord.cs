namespace TrpoEdge.Core.Trajectories;

/// <summary>A run as read back from a store. <see cref="EndedAt"/> is null when the writer never closed
/// (a crash, or a run still being written).</summary>
public sealed record RunRecord(long Id, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, RunInfo Info)
{
    public int ObservationSize => Info.ObservationSpace.FlatSize;
    public int ActionSize => Info.ActionSpace.FlatSize;
}
