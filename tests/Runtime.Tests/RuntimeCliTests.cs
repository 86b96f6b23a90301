using Microsoft.Data.Sqlite;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Tests.Models;

namespace TrpoEdge.Runtime.Tests;

/// <summary>The <c>runtime</c> program itself, as a user runs it: exit codes, messages, the summary, and a
/// kill -9 in the middle of a logged run.</summary>
public sealed class RuntimeCliTests
{
    [Fact]
    public void Help_lists_the_options_and_the_exit_codes()
    {
        var (code, stdout, _) = RuntimeCli.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("--perturb", stdout);
        Assert.Contains("--allow-other-env", stdout);
        Assert.Contains("the model does not fit the plant", stdout);
    }

    [Fact]
    public void A_run_prints_the_summary_and_exits_zero_and_a_mismatch_exits_three()
    {
        using var dir = new TempDir();
        var (_, model) = ExportedPolicies.Export(ExportedPolicies.PendulumCheckpoint(seed: 8), dir.Path);

        var (code, stdout, stderr) = RuntimeCli.Run("--model", model, "--sim", "Pendulum-v1", "--episodes", "2", "--seed", "4");
        Assert.True(code == 0, stderr);
        Assert.Contains("return mean ± std", stdout);
        Assert.Contains("inference latency p50 / p99", stdout);
        Assert.Contains("free-running", stdout);

        (code, _, stderr) = RuntimeCli.Run("--model", model, "--sim", "CartPole-v1");
        Assert.Equal(3, code);
        Assert.Contains("trained for environment \"Pendulum-v1\" but the plant is \"CartPole-v1\"", stderr);

        (code, _, stderr) = RuntimeCli.Run("--model", model, "--sim", "Pendulum-v1", "--perturb", "pendulum.mass");
        Assert.Equal(2, code);
        Assert.Contains("not KEY=VALUE", stderr);

        (code, _, stderr) = RuntimeCli.Run("--model", dir.File("missing.onnx"), "--sim", "Pendulum-v1");
        Assert.Equal(2, code);
        Assert.Contains("no such file", stderr);
    }

    [Fact]
    public void Kill_9_mid_run_leaves_a_store_with_every_committed_step_and_the_open_episode_incomplete()
    {
        if (OperatingSystem.IsWindows()) return; // Process.Kill is TerminateProcess there, not SIGKILL; same effect, but the test targets POSIX
        using var dir = new TempDir();
        var (_, model) = ExportedPolicies.Export(ExportedPolicies.PendulumCheckpoint(seed: 9), dir.Path);
        string db = dir.File("field.db");
        using var running = new RunningCli(RuntimeCli.Start("--model", model, "--sim", "Pendulum-v1", "--episodes", "1000", "--rate", "1000",
            "--explore", "--log", db));
        var child = running.Process;

        // Wait until more than one episode (200 steps) has been committed, then kill without warning.
        long seen = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (seen < 300 && clock.Elapsed < TimeSpan.FromSeconds(40) && !child.HasExited)
        {
            Thread.Sleep(50);
            seen = CountSteps(db);
        }
        if (child.HasExited) Assert.Fail("the runtime exited before it could be killed: " + child.StandardError.ReadToEnd());
        child.Kill(entireProcessTree: true); // SIGKILL: no handler, no finally, no flush
        child.WaitForExit();
        Assert.True(seen >= 300, $"only {seen} steps committed in {clock.Elapsed.TotalSeconds:F1} s");

        using var reader = TrajectoryReader.Open(db);
        Assert.Equal("ok", reader.CheckIntegrity());
        long total = reader.CountSteps();
        Assert.True(total >= seen, $"{total} steps after the kill, {seen} were committed before it");
        var episodes = reader.ReadEpisodes().ToList();
        Assert.True(episodes.Count >= 2);
        foreach (EpisodeData e in episodes.Take(episodes.Count - 1))
        {
            Assert.Equal(EpisodeStatus.Complete, e.Status);
            Assert.Equal(200, e.Length);
            Assert.True(e.Truncated);
            Assert.All(e.LogProbs, lp => Assert.True(double.IsFinite(lp)));
        }
        EpisodeData last = episodes[^1];
        Assert.True(last.Status == EpisodeStatus.Incomplete,
            $"last of {episodes.Count} episodes is {last.Status} ({last.Length} steps); {seen} steps seen after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(total, episodes.Sum(e => (long)e.Length));
    }

    [Fact]
    public async Task Ctrl_c_stops_the_loop_closes_the_open_episode_and_exits_130()
    {
        if (OperatingSystem.IsWindows()) return; // SIGINT is sent with kill(1)
        using var dir = new TempDir();
        var (_, model) = ExportedPolicies.Export(ExportedPolicies.PendulumCheckpoint(seed: 10), dir.Path);
        string db = dir.File("field.db");
        using var running = new RunningCli(RuntimeCli.Start(asForegroundJob: true, "--model", model, "--sim", "Pendulum-v1", "--episodes", "1000", "--rate", "1000", "--log", db));
        var child = running.Process;
        Task<string> stdout = child.StandardOutput.ReadToEndAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (CountSteps(db) < 250 && clock.Elapsed < TimeSpan.FromSeconds(40) && !child.HasExited) Thread.Sleep(50);
        if (child.HasExited) Assert.Fail("the runtime exited before Ctrl-C: " + child.StandardError.ReadToEnd());
        using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        if (!child.WaitForExit(30_000))
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail("the runtime did not stop within 30 s of SIGINT");
        }

        Assert.Equal(130, child.ExitCode);
        string output = await stdout;
        Assert.Contains("(cancelled)", output);
        Assert.Contains("stopped by the user", output);
        using var reader = TrajectoryReader.Open(db);
        var episodes = reader.ReadEpisodes().ToList();
        // The loop ended the interrupted episode itself (truncated, with its final observation): nothing is left incomplete.
        Assert.All(episodes, e => Assert.Equal(EpisodeStatus.Complete, e.Status));
        Assert.True(episodes[^1].Truncated);
        Assert.NotNull(episodes[^1].FinalObservation);
    }

    private static long CountSteps(string db)
    {
        if (!File.Exists(db)) return 0;
        try
        {
            using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM steps";
            return Convert.ToInt64(cmd.ExecuteScalar());
        }
        catch (SqliteException)
        {
            return 0; // not created yet, or busy: ask again
        }
    }
}
