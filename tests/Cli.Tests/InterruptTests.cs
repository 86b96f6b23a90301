using System.Diagnostics;
using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Cli.Tests;

/// <summary>Ctrl-C and SIGTERM sent as real signals to a real trainer process: the first saves a checkpoint, says
/// where and exits 130; a second one ends the process at once.</summary>
[Collection(TrainedRunCollection.Name)]
public sealed class InterruptTests(TrainedRun trained)
{
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void A_signal_during_training_saves_a_checkpoint_says_where_and_exits_130(string signal)
    {
        if (OperatingSystem.IsWindows()) return; // signals are sent with kill(1)
        using var dir = new TempDir();
        string metrics = Path.Combine(dir.Path, "run", "metrics.csv");
        using Process p = Programs.Start("trainer", dir.Path, foreground: true, "train", "--env", "Pendulum-v1", "--total-steps", "50000000", "--out", "run");
        var io = new Captured(p);
        io.WaitFor(() => File.Exists(metrics) && File.ReadAllLines(metrics).Length > 3, "three updates");
        Programs.Signal(p, signal);
        Assert.True(io.Exited(TimeSpan.FromSeconds(60)), "the trainer did not stop within 60 s of the signal");

        Assert.True(p.ExitCode == 130, $"exit {p.ExitCode}:\n{io.Stdout}{io.Stderr}");
        string checkpoint = Path.Combine("run", "ckpt.safetensors");
        Assert.Contains($"checkpoint saved to {checkpoint}", io.Stderr);
        Assert.Contains("again to quit at once", io.Stderr);
        PolicyCheckpoint saved = PolicyCheckpoint.Load(Path.Combine(dir.Path, checkpoint));
        Assert.InRange(saved.TotalSteps, 3 * 2048, 50_000_000 - 1); // three updates of the shipped 2 × 1024 batch
    }

    [Fact]
    public void A_second_ctrl_c_exits_at_once_without_waiting_for_the_update()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        // One update of two million steps on one environment takes far longer than the test waits.
        using Process p = Programs.Start("trainer", dir.Path, foreground: true, "train", "--env", "Pendulum-v1", "--out", "run",
            "--n-envs", "1", "--set", "n_steps=2000000", "--total-steps", "4000000");
        var io = new Captured(p);
        io.WaitFor(() => io.Stdout.Contains("Training", StringComparison.Ordinal), "the first line");
        Thread.Sleep(500);
        Programs.Signal(p, "INT");
        io.WaitFor(() => io.Stderr.Contains("Ctrl-C:", StringComparison.Ordinal), "the acknowledgement of the first Ctrl-C");
        Assert.False(p.HasExited, "the first Ctrl-C must not end the process before the update is saved");
        var clock = Stopwatch.StartNew();
        Programs.Signal(p, "INT");
        Assert.True(io.Exited(TimeSpan.FromSeconds(10)), "the second Ctrl-C did not end the process within 10 s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(130, p.ExitCode); // ended by SIGINT: 128 + 2
        Assert.False(File.Exists(Path.Combine(dir.Path, "run", "ckpt.safetensors")), "nothing was saved: the first update never finished");
    }

    [Fact]
    public void Ctrl_c_during_retraining_saves_the_updates_so_far_and_exits_130()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        using Process p = Programs.Start("trainer", dir.Path, foreground: true, "retrain", "--checkpoint", trained.Checkpoint, "--from", trained.Store,
            "--out", "retrained", "--updates", "10000", "--sim-steps", "50000", "--no-export");
        var io = new Captured(p);
        io.WaitFor(() => io.Stdout.Contains("update   1:", StringComparison.Ordinal), "the first update");
        Programs.Signal(p, "INT");
        Assert.True(io.Exited(TimeSpan.FromSeconds(60)), "retrain did not stop within 60 s of Ctrl-C");

        Assert.True(p.ExitCode == 130, $"exit {p.ExitCode}:\n{io.Stdout}{io.Stderr}");
        Assert.Contains($"checkpoint saved to {Path.Combine("retrained", "ckpt.safetensors")}", io.Stderr);
        Assert.True(PolicyCheckpoint.Load(Path.Combine(dir.Path, "retrained", "ckpt.safetensors")).PolicyVersion >= 1);
    }
}
