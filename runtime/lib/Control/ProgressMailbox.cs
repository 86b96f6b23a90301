namespace TrpoEdge.Runtime.Control;

/// <summary>Hands the latest <see cref="LoopProgress"/> from the control loop's thread to whoever draws the status
/// line, without that drawing happening on the loop thread. The loop only copies a struct: no formatting, no terminal
/// I/O, no allocation, and it never waits — a lock here could make a SCHED_FIFO loop wait on a time-shared reader
/// (priority inversion). A sequence counter instead: the writer makes it odd, writes, makes it even; a reader that saw
/// it odd or changed across its copy retries. One writer, any number of readers.</summary>
public sealed class ProgressMailbox
{
    private LoopProgress _value;
    private long _sequence;

    /// <summary>Called by the loop (one writer). Wait-free.</summary>
    public void Publish(LoopProgress progress)
    {
        long s = Volatile.Read(ref _sequence);
        Volatile.Write(ref _sequence, s + 1); // odd: a write is in progress
        Interlocked.MemoryBarrier();
        _value = progress;
        Volatile.Write(ref _sequence, s + 2); // even: the value is whole again
    }

    /// <summary>The latest whole snapshot; false before the first <see cref="Publish"/>.</summary>
    public bool TryRead(out LoopProgress progress)
    {
        while (true)
        {
            long before = Volatile.Read(ref _sequence);
            if (before == 0) { progress = default; return false; }
            if ((before & 1) == 0)
            {
                progress = _value;
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _sequence) == before) return true;
            }
            Thread.SpinWait(1);
        }
    }
}
