using TrpoEdge.Sim.Random;

namespace TrpoEdge.Sim.Box2D;

/// <summary>NumPy's <c>Generator.integers(low, high)</c> (int64, high exclusive) for spans below 2³²: Lemire's
/// multiply-shift with rejection on 32-bit draws. PCG64 serves 32-bit draws as the two halves of one 64-bit
/// output, low half first, keeping the high half for the next 32-bit draw; that buffer is part of the generator's
/// state and is saved with it (<see cref="HasBuffered"/>, <see cref="Buffered"/>).</summary>
internal sealed class NumPyIntegers(Pcg64 rng)
{
    public bool HasBuffered { get; set; }
    public uint Buffered { get; set; }

    /// <summary>A new bit generator (reseeding) has an empty buffer.</summary>
    public void Clear()
    {
        HasBuffered = false;
        Buffered = 0;
    }

    public uint NextUInt32()
    {
        if (HasBuffered)
        {
            HasBuffered = false;
            return Buffered;
        }
        ulong next = rng.NextUInt64();
        HasBuffered = true;
        Buffered = (uint)(next >> 32);
        return (uint)next;
    }

    public long Next(long low, long highExclusive)
    {
        long span = highExclusive - 1 - low;
        if (span < 0 || span >= uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(highExclusive), highExclusive, $"integers({low}, {highExclusive}) is empty or spans 2^32 or more; this path draws 32-bit values.");
        if (span == 0) return low;
        uint range = (uint)span, excl = range + 1;
        ulong m = (ulong)NextUInt32() * excl;
        uint leftover = (uint)m;
        if (leftover < excl)
        {
            uint threshold = (uint.MaxValue - range) % excl;
            while (leftover < threshold)
            {
                m = (ulong)NextUInt32() * excl;
                leftover = (uint)m;
            }
        }
        return low + (long)(m >> 32);
    }
}
