namespace TrpoEdge.Runtime.Control;

/// <summary>Real-time scheduling for the loop's thread (<c>runtime --realtime</c>): on Linux SCHED_FIFO at
/// <see cref="Priority"/>, optionally pinned to one CPU, all memory locked once the loop starts. When the
/// process may not do that, the loop says what to grant and runs time-shared, as without these options.</summary>
public sealed record RealtimeOptions
{
    /// <summary>SCHED_FIFO priority, 1..99. 80 is above the kernel's threaded interrupt handlers (50) and
    /// below its own watchdog threads (99).</summary>
    public int Priority { get; init; } = 80;
    /// <summary>Lock all current and future memory (mlockall) before the first step, so no page fault or swap
    /// stalls the loop.</summary>
    public bool LockMemory { get; init; } = true;

    public void Validate()
    {
        if (Priority is < 1 or > 99)
            throw new ArgumentOutOfRangeException(nameof(Priority), Priority, "The SCHED_FIFO priority is 1..99 (--rt-priority N); 80 suits a control loop.");
    }
}
