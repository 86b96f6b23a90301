using System.Diagnostics;
using System.Text;
using System.Text.Json;
using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Cli.Tests;

/// <summary>`trainer train` with keep_best (the default): best.safetensors, the final comparison in the summary and
/// --summary-json, policy.onnx exported from the higher scorer, and a resumed run that keeps the folder's best.
/// CartPole-v1 with the shipped settings but target_kl 0.5, seed 0: the policy peaks at step 12,288 (a 3-episode
/// evaluation of 500) and has drifted by the end, so the best policy wins the 10-episode final comparison.</summary>
public sealed class KeepBestCliTests
{
    private const string Config = """
        CartPole-v1:
          n_envs: 8
          n_steps: 128
          gamma: 0.99
          gae_lambda: 0.98
          target_kl: 0.5
          cg_max_steps: 15
          cg_damping: 0.001
          learning_rate: 0.001
          n_critic_updates: 10
          batch_size: 128
          critic_head_solve: true
          critic_head_ridge: 0.001
          sub_sampling_factor: 2
          normalize: true
          net_arch: [64, 64]
          activation_fn: tanh
          eval_every: 1
          eval_episodes: 3
          final_eval_episodes: 10
          video_every: 0
          checkpoint_every: 0
        """;

    [Fact]
    public void Train_exports_the_best_policy_when_it_scores_higher_says_so_and_keeps_it_across_a_resume()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("drift.yml"), Config);
        Result r = Programs.Run("trainer", dir.Path, "train", "--env", "CartPole-v1", "--config", "drift.yml", "--seed", "0",
            "--total-steps", "16384", "--out", "run", "--summary-json", "train.json").Expect(0);
        Assert.Contains("best policy", r.Stdout);
        Assert.Contains("step 12,288, 3-episode periodic evaluation 500.0", r.Stdout);
        Assert.Contains("scored higher than the final policy over the same 10 episodes", r.Stdout);
        Assert.Contains("(from best.safetensors)", r.Stdout);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(dir.File("train.json")));
        JsonElement root = json.RootElement, best = root.GetProperty("best");
        string bestPath = Path.Combine(dir.Path, "run", "best.safetensors"), finalPath = Path.Combine(dir.Path, "run", "ckpt.safetensors");
        Assert.Equal("best", root.GetProperty("chosen").GetString());
        Assert.True(root.GetProperty("keep_best").GetBoolean());
        Assert.Equal(Path.Combine("run", "best.safetensors"), root.GetProperty("chosen_checkpoint").GetString());
        Assert.Equal(12288, best.GetProperty("total_steps").GetInt64());
        Assert.Equal(500, best.GetProperty("selection_return_mean").GetDouble());
        Assert.Equal(3, best.GetProperty("selection_episodes").GetInt32());
        double bestFinal = best.GetProperty("return_mean").GetDouble(), final = root.GetProperty("return_mean").GetDouble();
        Assert.True(bestFinal > final, $"best {bestFinal} against final {final}");
        string bestSha = PolicyCheckpoint.Sha256Of(bestPath), finalSha = PolicyCheckpoint.Sha256Of(finalPath);
        Assert.Equal(bestSha, best.GetProperty("checkpoint_sha256").GetString());
        Assert.Equal(bestSha, root.GetProperty("chosen_checkpoint_sha256").GetString());

        // policy.onnx names its checkpoint in its metadata (trpoedge.checkpoint_sha256): the best one, not the last.
        string model = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(dir.Path, "run", "policy.onnx")));
        Assert.Contains(bestSha, model);
        Assert.DoesNotContain(finalSha, model);

        // The best's figure is the final evaluation's episodes: trainer eval with the summary's seed repeats it.
        Programs.Run("trainer", dir.Path, "eval", "--checkpoint", "run/best.safetensors", "--episodes", "10", "--seed", "1000000", "--summary-json", "eval.json").Expect(0);
        using JsonDocument eval = JsonDocument.Parse(File.ReadAllText(dir.File("eval.json")));
        Assert.Equal(bestFinal, eval.RootElement.GetProperty("return_mean").GetDouble(), 9);

        // Two more updates on --resume: no evaluation can beat CartPole's 500, so the folder's best stays as it is.
        byte[] bestBytes = File.ReadAllBytes(bestPath);
        Result resumed = Programs.Run("trainer", dir.Path, "train", "--env", "CartPole-v1", "--config", "drift.yml", "--seed", "0",
            "--total-steps", "18432", "--out", "run", "--resume", "run/ckpt.safetensors", "--no-export", "--summary-json", "resumed.json").Expect(0);
        Assert.Contains("keeping the best so far", resumed.Stdout);
        Assert.Equal(bestBytes, File.ReadAllBytes(bestPath));
        using JsonDocument again = JsonDocument.Parse(File.ReadAllText(dir.File("resumed.json")));
        Assert.Equal(12288, again.RootElement.GetProperty("best").GetProperty("total_steps").GetInt64());
    }

    [Fact]
    public void Keep_best_false_writes_no_best_file_and_exports_the_final_policy()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("drift.yml"), Config);
        Programs.Run("trainer", dir.Path, "train", "--env", "CartPole-v1", "--config", "drift.yml", "--total-steps", "4096",
            "--out", "run", "--keep-best", "false", "--summary-json", "train.json").Expect(0);
        Assert.False(File.Exists(Path.Combine(dir.Path, "run", "best.safetensors")));
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(dir.File("train.json")));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("best").ValueKind);
        Assert.Equal("final", json.RootElement.GetProperty("chosen").GetString());
        Assert.Contains("keep_best: false", File.ReadAllText(Path.Combine(dir.Path, "run", "config.yml")));
    }

    [Fact]
    public void Ctrl_c_leaves_the_best_so_far_on_disk_and_says_where()
    {
        if (OperatingSystem.IsWindows()) return; // signals are sent with kill(1)
        using var dir = new TempDir();
        File.WriteAllText(dir.File("drift.yml"), Config);
        string best = Path.Combine(dir.Path, "run", "best.safetensors"), metrics = Path.Combine(dir.Path, "run", "metrics.csv");
        using Process p = Programs.Start("trainer", dir.Path, foreground: true, "train", "--env", "CartPole-v1", "--config", "drift.yml",
            "--total-steps", "50000000", "--out", "run", "--summary-json", "train.json");
        var io = new Captured(p);
        io.WaitFor(() => File.Exists(best) && File.Exists(metrics) && File.ReadAllLines(metrics).Length > 3, "a best file and three updates");
        Programs.Signal(p, "INT");
        Assert.True(io.Exited(TimeSpan.FromSeconds(60)), "the trainer did not stop within 60 s of the signal");
        Assert.True(p.ExitCode == 130, $"exit {p.ExitCode}:\n{io.Stdout}{io.Stderr}");
        Assert.Contains($"the best policy so far is in {Path.Combine("run", "best.safetensors")}", io.Stderr);

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(dir.File("train.json")));
        JsonElement kept = json.RootElement.GetProperty("best");
        Assert.Equal("interrupted", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, kept.GetProperty("return_mean").ValueKind); // no final comparison was run
        PolicyCheckpoint file = PolicyCheckpoint.Load(best);
        Assert.Equal(kept.GetProperty("total_steps").GetInt64(), file.TotalSteps);
        Assert.Equal(PolicyCheckpoint.Sha256Of(best), kept.GetProperty("checkpoint_sha256").GetString());
        Assert.Equal("final", json.RootElement.GetProperty("chosen").GetString());
    }
}
