namespace TrpoEdge.Runtime.Control;

/// <summary>What scheduling the loop's thread ran under, for the summary: the policy and priority actually in
/// force, the CPU it was pinned to, whether memory was locked, how it waited, and — when --realtime was asked
/// for and not (fully) granted — why and what to grant.</summary>
public sealed record LoopScheduling
{
    /// <summary>"SCHED_FIFO", "SCHED_OTHER" (Linux's time-shared default) or "normal" (other OSes).</summary>
    public required string Policy { get; init; }
    public int? Priority { get; init; }
    public int? Cpu { get; init; }
    public bool MemoryLocked { get; init; }
    public LoopPacing Pacing { get; init; }
    public double SpinFraction { get; init; }
    /// <summary>True when real-time scheduling was asked for.</summary>
    public bool RealtimeRequested { get; init; }
    /// <summary>What was refused and what to grant; null when everything asked for is in force.</summary>
    public string? Refusal { get; init; }

    public bool IsRealtime => Policy == "SCHED_FIFO";

    public override string ToString()
    {
        string policy = IsRealtime ? $"SCHED_FIFO priority {Priority}" : Policy == "SCHED_OTHER" ? "time-shared (SCHED_OTHER)" : "time-shared";
        string cpu = Cpu is int c ? $" on CPU {c}" : "";
        string memory = MemoryLocked ? ", memory locked" : "";
        string wait = Pacing switch
        {
            LoopPacing.AbsoluteSleep => "clock_nanosleep to an absolute deadline",
            LoopPacing.TimerFd => "timerfd at an absolute deadline",
            _ => "relative sleeps",
        };
        string spin = SpinFraction > 0 ? $" + spin {SpinFraction * 100:G3} %" : "";
        return $"{policy}{cpu}{memory}; waits: {wait}{spin}";
    }
}
