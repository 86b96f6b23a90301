using System.Numerics;

namespace TrpoEdge.Runtime.Control;

/// <summary>Fixed-bucket, log-linear histogram of non-negative integer values (nanoseconds here), in the
/// spirit of HdrHistogram: values below 128 are exact, above that each power of two is split into 64
/// buckets, so any recorded value is known to within 1/64 (1.6 %). All memory is allocated up front;
/// <see cref="Record"/> is a few integer operations and never allocates.</summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 64;
    private const int LinearLimit = 2 * SubBuckets; // values below this get their own bucket
    private const int BucketCount = LinearLimit + (63 - 7) * SubBuckets;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }
    public long Min { get; private set; } = long.MaxValue;
    public long Max { get; private set; }
    private double _sum;

    public double Mean => Count == 0 ? double.NaN : _sum / Count;

    public void Record(long value)
    {
        if (value < 0) value = 0;
        _counts[Index(value)]++;
        Count++;
        _sum += value;
        if (value < Min) Min = value;
        if (value > Max) Max = value;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1): the upper edge of the bucket holding the
    /// ⌈q·n⌉-th smallest value, capped at the exact maximum. NaN when empty.</summary>
    public double Percentile(double q)
    {
        if (!(q >= 0 && q <= 1)) throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile is between 0 and 1.");
        if (Count == 0) return double.NaN;
        long rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(UpperEdge(i), Max);
        }
        return Max;
    }

    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
        _sum = 0;
        Min = long.MaxValue;
        Max = 0;
    }

    internal static int Index(long value)
    {
        if (value < LinearLimit) return (int)value;
        int magnitude = 63 - BitOperations.LeadingZeroCount((ulong)value); // >= 7
        int shift = magnitude - 6;
        int sub = (int)(value >> shift); // 64..127
        return LinearLimit + (magnitude - 7) * SubBuckets + (sub - SubBuckets);
    }

    /// <summary>Largest value that maps to bucket <paramref name="index"/>.</summary>
    internal static long UpperEdge(int index)
    {
        if (index < LinearLimit) return index;
        int k = index - LinearLimit;
        int magnitude = 7 + k / SubBuckets;
        int sub = SubBuckets + k % SubBuckets;
        int shift = magnitude - 6;
        return ((long)(sub + 1) << shift) - 1;
    }
}
