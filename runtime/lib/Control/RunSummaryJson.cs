using System.Text.Json;

namespace TrpoEdge.Runtime.Control;

/// <summary>A run's summary as a small JSON object (`runtime --summary-json FILE`), so scripts and other programs
/// can read results without scraping the console table. Latencies are in microseconds; absent figures are null.</summary>
public static class RunSummaryJson
{
    public static void Write(string path, RunSummary s)
    {
        static double? Finite(double v) => double.IsFinite(v) ? v : null;
        var document = new Dictionary<string, object?>
        {
            ["episodes"] = s.Episodes.Count,
            ["steps"] = s.TotalSteps,
            ["return_mean"] = Finite(s.ReturnMean),
            ["return_std"] = Finite(s.ReturnStd),
            ["returns"] = s.Episodes.Select(e => Finite(e.Return)).ToArray(),
            ["latency_p50_us"] = Finite(s.Latency.Percentile(0.5) / 1000.0),
            ["latency_p99_us"] = Finite(s.Latency.Percentile(0.99) / 1000.0),
            ["jitter_p50_us"] = s.Jitter.Count == 0 ? null : Finite(s.Jitter.Percentile(0.5) / 1000.0),
            ["jitter_p99_us"] = s.Jitter.Count == 0 ? null : Finite(s.Jitter.Percentile(0.99) / 1000.0),
            ["jitter_p999_us"] = s.Jitter.Count == 0 ? null : Finite(s.Jitter.Percentile(0.999) / 1000.0),
            ["jitter_max_us"] = s.Jitter.Count == 0 ? null : s.Jitter.Max / 1000.0,
            ["deadline_misses"] = s.DeadlineMisses,
            ["faults"] = s.Faults,
            ["clamps"] = s.Clamps,
            ["cancelled"] = s.Cancelled,
            ["elapsed_s"] = s.Elapsed.TotalSeconds,
            ["period_s"] = s.PeriodSeconds,
            ["paced_by"] = s.Clock switch { LoopClock.Host => "host", LoopClock.Plant => "plant", _ => "free" },
            ["plant_period_s"] = s.PlantControlPeriod,
            ["scheduling"] = s.Scheduling is not { } sch ? null : new Dictionary<string, object?>
            {
                ["policy"] = sch.Policy,
                ["priority"] = sch.Priority,
                ["cpu"] = sch.Cpu,
                ["memory_locked"] = sch.MemoryLocked,
                ["pacing"] = sch.Pacing switch { LoopPacing.AbsoluteSleep => "clock_nanosleep_abstime", LoopPacing.TimerFd => "timerfd", _ => "relative_sleep" },
                ["spin_fraction"] = sch.SpinFraction,
                ["realtime_requested"] = sch.RealtimeRequested,
                ["refusal"] = sch.Refusal,
            },
        };
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
