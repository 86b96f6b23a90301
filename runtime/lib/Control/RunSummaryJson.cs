using System.Text.Json;

namespace TrpoEdge.Runtime.Control;

/// <summary>A run's summary as a small JSON object (`runtime --summary-json FILE`), so scripts and other programs
/// can read results without scraping the console table. Latencies are in microseconds; absent figures are null.</summary>
public static class RunSummaryJson
{
    /// <param name="firstActionUtc">When the first action was computed, written as <c>first_action_utc</c> (ISO 8601).</param>
    public static void Write(string path, RunSummary s, DateTime? firstActionUtc = null)
    {
        static double? Finite(double v) => double.IsFinite(v) ? v : null;
        var document = new RunSummaryDocument(
            Episodes: s.Episodes.Count,
            Steps: s.TotalSteps,
            ReturnMean: Finite(s.ReturnMean),
            ReturnStd: Finite(s.ReturnStd),
            Returns: s.Episodes.Select(e => Finite(e.Return)).ToArray(),
            LatencyP50Us: Finite(s.Latency.Percentile(0.5) / 1000.0),
            LatencyP99Us: Finite(s.Latency.Percentile(0.99) / 1000.0),
            JitterP50Us: s.Jitter.Count == 0 ? null : Finite(s.Jitter.Percentile(0.5) / 1000.0),
            JitterP99Us: s.Jitter.Count == 0 ? null : Finite(s.Jitter.Percentile(0.99) / 1000.0),
            JitterP999Us: s.Jitter.Count == 0 ? null : Finite(s.Jitter.Percentile(0.999) / 1000.0),
            JitterMaxUs: s.Jitter.Count == 0 ? null : s.Jitter.Max / 1000.0,
            DeadlineMisses: s.DeadlineMisses,
            Faults: s.Faults,
            Clamps: s.Clamps,
            Cancelled: s.Cancelled,
            ElapsedSeconds: s.Elapsed.TotalSeconds,
            PeriodSeconds: s.PeriodSeconds,
            PacedBy: s.Clock switch { LoopClock.Host => "host", LoopClock.Plant => "plant", _ => "free" },
            PlantPeriodSeconds: s.PlantControlPeriod,
            Scheduling: s.Scheduling is not { } sch ? null : new SchedulingDocument(
                sch.Policy, sch.Priority, sch.Cpu, sch.MemoryLocked,
                sch.Pacing switch { LoopPacing.AbsoluteSleep => "clock_nanosleep_abstime", LoopPacing.TimerFd => "timerfd", _ => "relative_sleep" },
                sch.SpinFraction, sch.RealtimeRequested, sch.Refusal),
            FirstActionUtc: firstActionUtc?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(document, RunSummaryJsonContext.Default.RunSummaryDocument) + "\n");
    }
}
