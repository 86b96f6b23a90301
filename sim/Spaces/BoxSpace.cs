using System.Globalization;

namespace TrpoEdge.Sim.Spaces;

/// <summary>A box of float32 values with per-dimension bounds (Gymnasium's <c>Box</c>).</summary>
public sealed record BoxSpace : Space
{
    public BoxSpace(float[] low, float[] high)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (low.Length != high.Length || low.Length == 0)
            throw new ArgumentException($"Box bounds must be non-empty and of equal length; got low[{low.Length}] and high[{high.Length}].");
        for (int i = 0; i < low.Length; i++)
            if (!(low[i] <= high[i]))
                throw new ArgumentException($"Box bound {i}: low {low[i]} is not <= high {high[i]}.");
        Low = low;
        High = high;
    }

    public float[] Low { get; }
    public float[] High { get; }
    public int Dim => Low.Length;
    public override int FlatSize => Dim;

    public override string Describe()
    {
        static string Join(float[] v) => string.Join(",", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
        return $"Box({Dim})[{Join(Low)};{Join(High)}]";
    }

    public bool Equals(BoxSpace? other) =>
        other is not null && Low.AsSpan().SequenceEqual(other.Low) && High.AsSpan().SequenceEqual(other.High);

    public override int GetHashCode() => HashCode.Combine(Dim, Low[0], High[0]);
}
