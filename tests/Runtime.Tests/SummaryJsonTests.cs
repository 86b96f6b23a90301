using System.Globalization;
using System.Text.Json;
using TrpoEdge.Runtime.Tests.Models;

namespace TrpoEdge.Runtime.Tests;

/// <summary><c>runtime --summary-json</c>: the keys scripts read, in order, written by the source-generated serializer
/// (the NativeAOT build has no reflection), and the first action's wall-clock time that `bench edge` measures start-up with.</summary>
public sealed class SummaryJsonTests
{
    [Fact]
    public void Summary_has_the_keys_scripts_read_and_the_first_action_time_lies_within_the_run()
    {
        using var dir = new TempDir();
        var (_, model) = ExportedPolicies.Export(ExportedPolicies.PendulumCheckpoint(seed: 8), dir.Path);
        string json = dir.File("s.json");
        DateTime before = DateTime.UtcNow;
        var (code, _, stderr) = RuntimeCli.Run("--model", model, "--sim", "Pendulum-v1", "--episodes", "2", "--seed", "4", "--summary-json", json);
        DateTime after = DateTime.UtcNow;
        Assert.True(code == 0, stderr);

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        string[] keys = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        foreach (string k in new[] { "episodes", "steps", "return_mean", "return_std", "returns", "latency_p50_us", "latency_p99_us",
            "jitter_p99_us", "deadline_misses", "faults", "clamps", "cancelled", "elapsed_s", "period_s" })
            Assert.Contains(k, keys);
        Assert.Equal("first_action_utc", keys[^1]);
        Assert.Equal(2, doc.RootElement.GetProperty("episodes").GetInt32());
        Assert.Equal(400, doc.RootElement.GetProperty("steps").GetInt64());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("jitter_p99_us").ValueKind);
        DateTime first = DateTime.Parse(doc.RootElement.GetProperty("first_action_utc").GetString()!, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.InRange(first, before, after);
    }
}
