using System.Text.Json;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.EndToEnd.Tests;

/// <summary>The main job in miniature, through the real programs and the real files between them: train on the nominal
/// rig → export with verification → run on a perturbed rig with exploration and logging → retrain from the log →
/// export → run again. Budgets are tiny: this proves the contracts connect, not that learning is good (bench/ does that).</summary>
public sealed class WholeLoopTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Train_export_run_log_retrain_export_run_connect_through_their_files()
    {
        string rig = Path.Combine(Programs.Root, "hardware", "rigs", "direct-drive.yaml");
        string sim = Path.Combine(_dir, "sim"), retrained = Path.Combine(_dir, "retrained"), field = Path.Combine(_dir, "field.db");
        string[] perturb = ["--perturb", "pendulum.mass=1.3", "--perturb", "delay_steps=1"];

        Programs.Expect0("trainer", "train", "--env", rig, "--total-steps", "3200", "--set", "n_envs=4", "--set", "eval_every=0",
            "--set", "final_eval_episodes=2", "--out", sim);
        Assert.True(File.Exists(Path.Combine(sim, "policy.onnx")), "trainer train exports policy.onnx next to its checkpoint");
        Assert.True(File.Exists(Path.Combine(sim, "metrics.csv")));
        Assert.NotEmpty(Directory.GetFiles(sim, "events.out.tfevents.*"));

        string exported = Programs.Expect0("exporter", "--onnx", Path.Combine(sim, "policy.onnx"), "--checkpoint", Path.Combine(sim, "ckpt.safetensors"), "--verify", "--force");
        Assert.Contains("verified", exported);

        Programs.Expect0("runtime", ["--model", Path.Combine(sim, "policy.onnx"), "--rig", rig, .. perturb, "--episodes", "4", "--explore", "--seed", "11", "--log", field]);
        using (TrajectoryReader reader = TrajectoryReader.Open(field))
        {
            RunRecord run = reader.Runs.Single();
            Assert.Equal(PolicyCheckpoint.Sha256Of(Path.Combine(sim, "ckpt.safetensors")), run.Info.CheckpointSha256);
            Assert.Equal(4, reader.ReadEpisodes().Count(e => e.Status == EpisodeStatus.Complete));
        }

        string retrain = Programs.Expect0("trainer", "retrain", "--checkpoint", Path.Combine(sim, "ckpt.safetensors"), "--from", field,
            "--out", retrained, "--updates", "2", "--seed", "1");
        Assert.Contains("800 steps", retrain);
        PolicyCheckpoint parent = PolicyCheckpoint.Load(Path.Combine(sim, "ckpt.safetensors"));
        PolicyCheckpoint child = PolicyCheckpoint.Load(Path.Combine(retrained, "ckpt.safetensors"));
        Assert.Equal(PolicyCheckpoint.Sha256Of(Path.Combine(sim, "ckpt.safetensors")), child.ParentSha256);
        Assert.True(child.PolicyVersion >= parent.PolicyVersion);
        Assert.Contains(Path.GetFileName(field), child.Extra["retrain.data"]);

        Programs.Expect0("exporter", "--onnx", Path.Combine(retrained, "policy.onnx"), "--checkpoint", Path.Combine(retrained, "ckpt.safetensors"), "--verify", "--force");
        string summary = Path.Combine(_dir, "after.json");
        // A policy trained for 3,200 steps may spin the pendulum past the rig's velocity limit: the runtime then ends the
        // episode, says why and exits 4 (SafetyStop), still writing its summary. Either outcome connects the files.
        var (code, output) = Programs.Run("runtime", ["--model", Path.Combine(retrained, "policy.onnx"), "--rig", rig, .. perturb, "--episodes", "2", "--summary-json", summary]);
        Assert.True(code == 0 || (code == 4 && output.Contains("limit", StringComparison.Ordinal)), $"runtime exited {code}:\n{output}");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(summary));
        Assert.Equal(2, doc.RootElement.GetProperty("episodes").GetInt32());
        Assert.True(double.IsFinite(doc.RootElement.GetProperty("return_mean").GetDouble()));
    }

    [Fact]
    public void Retrain_refuses_a_log_from_another_environment_with_a_message_and_exit_code_2()
    {
        string cartpole = Path.Combine(_dir, "cp"), pendulum = Path.Combine(_dir, "pd"), field = Path.Combine(_dir, "cp.db");
        Programs.Expect0("trainer", "train", "--env", "CartPole-v1", "--total-steps", "1024", "--set", "n_envs=2", "--set", "n_steps=256", "--set", "eval_every=0", "--set", "final_eval_episodes=1", "--out", cartpole);
        Programs.Expect0("trainer", "train", "--env", "Pendulum-v1", "--total-steps", "800", "--set", "n_envs=2", "--set", "n_steps=200", "--set", "eval_every=0", "--set", "final_eval_episodes=1", "--out", pendulum, "--no-export");
        Programs.Expect0("runtime", "--model", Path.Combine(cartpole, "policy.onnx"), "--sim", "CartPole-v1", "--episodes", "2", "--explore", "--log", field);
        var (code, output) = Programs.Run("trainer", "retrain", "--checkpoint", Path.Combine(pendulum, "ckpt.safetensors"), "--from", field, "--out", Path.Combine(_dir, "bad"));
        Assert.Equal(2, code);
        Assert.Contains("recorded on environment CartPole-v1", output);
    }
}
