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
            ["jitter_p99_us"] = s.Jitter.Count == 0 ? null : Finite(s.Jitter.Percentile(0.99) / 1000.0),
            ["deadline_misses"] = s.DeadlineMisses,
            ["faults"] = s.Faults,
            ["clamps"] = s.Clamps,
            ["cancelled"] = s.Cancelled,
            ["elapsed_s"] = s.Elapsed.TotalSeconds,
            ["period_s"] = s.PeriodSeconds,
        };
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
