using TrpoEdge.Sim.Random;
using TrpoEdge.Runtime.Control;

namespace TrpoEdge.Runtime.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_are_within_one_sixty_fourth_above_the_exact_order_statistic()
    {
        var rng = new Pcg64(17);
        var h = new LatencyHistogram();
        var values = new long[20_000];
        for (int i = 0; i < values.Length; i++)
        {
            // Log-uniform from 1 ns to ~100 ms, like latencies with a long tail.
            values[i] = (long)Math.Exp(rng.NextDouble() * Math.Log(1e8));
            h.Record(values[i]);
        }
        Array.Sort(values);
        foreach (double q in new[] { 0.01, 0.5, 0.9, 0.99, 0.999, 1.0 })
        {
            long exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            double got = h.Percentile(q);
            Assert.InRange(got, exact, exact + exact / 64.0 + 1);
        }
        Assert.Equal(values[0], h.Min);
        Assert.Equal(values[^1], h.Max);
        Assert.Equal(values.Average(v => (double)v), h.Mean, 6);
    }

    [Fact]
    public void Every_value_falls_in_the_bucket_whose_edges_surround_it()
    {
        var rng = new Pcg64(5);
        for (int i = 0; i < 100_000; i++)
        {
            long v = (long)(rng.NextUInt64() >> (1 + (int)(rng.NextUInt64() % 63)));
            int idx = LatencyHistogram.Index(v);
            Assert.True(LatencyHistogram.UpperEdge(idx) >= v, $"{v} above its bucket's edge");
            if (idx > 0) Assert.True(LatencyHistogram.UpperEdge(idx - 1) < v, $"{v} belongs in a lower bucket");
        }
        Assert.Equal(127, LatencyHistogram.UpperEdge(LatencyHistogram.Index(127)));
        Assert.Equal(129, LatencyHistogram.UpperEdge(LatencyHistogram.Index(128)));
    }

    [Fact]
    public void An_empty_histogram_reports_nan_and_recording_allocates_nothing()
    {
        var h = new LatencyHistogram();
        Assert.True(double.IsNaN(h.Percentile(0.5)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) h.Record(i * 37L);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        h.Clear();
        Assert.Equal(0, h.Count);
    }
}
