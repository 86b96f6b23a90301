namespace TrpoEdge.Runtime.Control;

/// <summary>What a run of the control loop did: per-episode results, inference latency and loop jitter
/// histograms (nanoseconds), deadline misses and faults.</summary>
public sealed class RunSummary
{
    internal RunSummary(IReadOnlyList<EpisodeResult> episodes, LatencyHistogram latency, LatencyHistogram jitter,
        long deadlineMisses, long faults, long clamps, bool cancelled, TimeSpan elapsed, double? periodSeconds)
    {
        Episodes = episodes;
        Latency = latency;
        Jitter = jitter;
        DeadlineMisses = deadlineMisses;
        Faults = faults;
        Clamps = clamps;
        Cancelled = cancelled;
        Elapsed = elapsed;
        PeriodSeconds = periodSeconds;
    }

    public IReadOnlyList<EpisodeResult> Episodes { get; }
    /// <summary>Per-step policy inference time, ns.</summary>
    public LatencyHistogram Latency { get; }
    /// <summary>Per-step lateness of the step start against its schedule, ns; empty when not paced.</summary>
    public LatencyHistogram Jitter { get; }
    public long DeadlineMisses { get; }
    /// <summary>Non-finite or invalid actions replaced by the zero action.</summary>
    public long Faults { get; }
    /// <summary>Actions clamped to the bounds.</summary>
    public long Clamps { get; }
    public bool Cancelled { get; }
    public TimeSpan Elapsed { get; }
    /// <summary>The paced period, or null when the loop ran as fast as it could.</summary>
    public double? PeriodSeconds { get; }

    /// <summary>The scheduling the loop's thread ran under (real-time or not, and why not).</summary>
    public LoopScheduling? Scheduling { get; init; }
    /// <summary>What set the loop's pace.</summary>
    public LoopClock Clock { get; init; }
    /// <summary>The plant's own control period, seconds (for a plant-paced loop, its pace).</summary>
    public double PlantControlPeriod { get; init; }

    public long TotalSteps => Episodes.Sum(e => (long)e.Steps);

    public double ReturnMean => Episodes.Count == 0 ? double.NaN : Episodes.Average(e => e.Return);

    /// <summary>Population standard deviation (numpy's default, as in SB3's evaluate_policy).</summary>
    public double ReturnStd
    {
        get
        {
            if (Episodes.Count == 0) return double.NaN;
            double mean = ReturnMean;
            return Math.Sqrt(Episodes.Average(e => (e.Return - mean) * (e.Return - mean)));
        }
    }
}
