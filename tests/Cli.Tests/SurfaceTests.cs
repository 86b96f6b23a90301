using System.Text.Json;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Cli.Tests;

/// <summary>What a user and a script see: the exit-code table in every --help, JSON summaries, `trainer list`,
/// the resolved config, the version, and plain text when the output is redirected.</summary>
[Collection(TrainedRunCollection.Name)]
public sealed class SurfaceTests(TrainedRun trained)
{
    public static TheoryData<string, string[]> Helps => new()
    {
        { "trainer", ["--help"] },
        { "exporter", ["--help"] },
        { "runtime", ["--help"] },
        { "rig-emulator", ["--help"] },
    };

    [Theory]
    [MemberData(nameof(Helps))]
    public void Every_help_ends_with_the_one_exit_code_table(string program, string[] args)
    {
        string help = Programs.Run(program, trained.Directory, args).Expect(0).Stdout;
        string flat = string.Join(' ', help.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        foreach (string row in new[] { "Exit codes (all TrpoEdge programs): 0 ok;", "2 bad arguments or input", "5 ONNX Runtime could not load", "6 the --device", "130 stopped by Ctrl-C" })
            Assert.Contains(row, flat);
    }

    [Fact]
    public void Exporter_help_names_keygen_and_publish_and_rig_emulator_has_a_version()
    {
        string help = Programs.Run("exporter", trained.Directory, "--help").Expect(0).Stdout;
        Assert.Contains("exporter keygen", help);
        Assert.Contains("exporter publish", help);
        Assert.Matches(@"^\d+\.\d+\.\d+", Programs.Run("rig-emulator", trained.Directory, "--version").Expect(0).Stdout);
    }

    [Fact]
    public void Train_writes_its_resolved_config_and_a_json_summary_and_states_the_rounding()
    {
        using var dir = new TempDir();
        var r = Programs.Run("trainer", dir.Path, "train", "--total-steps", "1000", "--out", "run", "--seed", "3", "--set", "gamma=0.9",
            "--set", "final_eval_episodes=2", "--no-export", "--summary-json", "train.json").Expect(0);
        Assert.Contains("stops at 2,048 steps", r.Stdout); // one update of the shipped 2 × 1024 batch
        Assert.DoesNotContain("\u001b[", r.Output); // redirected: no ANSI codes

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(dir.File("train.json")));
        Assert.Equal("finished", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(2048, json.RootElement.GetProperty("total_steps").GetInt64());
        Assert.Equal(1_000_003UL, json.RootElement.GetProperty("final_eval_first_seed").GetUInt64());
        Assert.Equal(2, json.RootElement.GetProperty("final_eval_episodes").GetInt32());

        string config = File.ReadAllText(Path.Combine(dir.Path, "run", "config.yml"));
        TrainingOptions resolved = TrainingConfig.Parse(config, "config.yml", "Pendulum-v1", new TrainingOptions { EnvId = "Pendulum-v1" });
        Assert.Equal(0.9, resolved.Trpo.Gamma);
        Assert.Equal(3UL, resolved.Seed);
        Assert.Equal(1000, resolved.TotalSteps);
        Assert.Equal(config.Split('\n').Where(l => !l.StartsWith('#')), TrainingConfig.ToYaml(resolved).Split('\n')); // a fixed point

        // The summary's evaluation seeds are the run seed + 1,000,000: eval with that seed gives the same figure.
        double trained2 = json.RootElement.GetProperty("return_mean").GetDouble();
        Programs.Run("trainer", dir.Path, "eval", "--checkpoint", "run/ckpt.safetensors", "--episodes", "2", "--seed", "1000003", "--summary-json", "eval.json").Expect(0);
        using JsonDocument eval = JsonDocument.Parse(File.ReadAllText(dir.File("eval.json")));
        Assert.Equal(trained2, eval.RootElement.GetProperty("return_mean").GetDouble(), 9);
    }

    [Fact]
    public void Retrain_and_exporter_write_json_summaries()
    {
        using var dir = new TempDir();
        Programs.Run("trainer", dir.Path, "retrain", "--checkpoint", trained.Checkpoint, "--from", trained.Store, "--out", "re", "--updates", "1",
            "--no-export", "--summary-json", "re.json").Expect(0);
        using (JsonDocument json = JsonDocument.Parse(File.ReadAllText(dir.File("re.json"))))
        {
            Assert.Equal(1, json.RootElement.GetProperty("updates_taken").GetInt32());
            Assert.Equal(64, json.RootElement.GetProperty("checkpoint_sha256").GetString()!.Length);
        }
        Programs.Run("exporter", dir.Path, "--onnx", "re/policy.onnx", "--checkpoint", "re/ckpt.safetensors", "--summary-json", "export.json").Expect(0);
        using JsonDocument export = JsonDocument.Parse(File.ReadAllText(dir.File("export.json")));
        Assert.Equal(64, export.RootElement.GetProperty("model_sha256").GetString()!.Length);
        Assert.Equal(JsonValueKind.Null, export.RootElement.GetProperty("verified").ValueKind);
    }

    [Fact]
    public void Trainer_list_names_every_environment_and_the_rig_files()
    {
        string list = Programs.Run("trainer", Programs.Root, "list").Expect(0).Stdout;
        foreach (string id in new[] { "Pendulum-v1", "CartPole-v1", "Acrobot-v1", "MountainCarContinuous-v0", "Rig:direct-drive" }) Assert.Contains(id, list);
    }
}
