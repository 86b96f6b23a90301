using System.Diagnostics;

namespace TrpoEdge.Cli.Tests;

/// <summary>Every bad input a user reported, each answered with one line (no stack trace, no .NET parameter
/// names) and its documented exit code; and no output replaces an input.</summary>
[Collection(TrainedRunCollection.Name)]
public sealed class BadInputTests(TrainedRun trained)
{
    private static string Copy(string source, TempDir dir, string name)
    {
        string path = dir.File(name);
        File.Copy(source, path);
        return path;
    }

    [Fact]
    public void Runtime_refuses_an_empty_model_with_code_2()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.onnx"), []);
        Programs.Run("runtime", dir.Path, "--model", "empty.onnx", "--sim", "Pendulum-v1").Expect(2, "empty (0 bytes)");
    }

    [Fact]
    public void Runtime_refuses_an_oversized_model_without_reading_it()
    {
        using var dir = new TempDir();
        using (var f = new FileStream(dir.File("huge.onnx"), FileMode.Create)) f.SetLength(1L << 30); // sparse: no disk used
        var clock = Stopwatch.StartNew();
        Programs.Run("runtime", dir.Path, "--model", "huge.onnx", "--sim", "Pendulum-v1").Expect(2, "1,073,741,824 bytes");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Runtime_refuses_a_log_that_is_not_a_store_and_leaves_it_untouched()
    {
        using var dir = new TempDir();
        string checkpoint = Copy(trained.Checkpoint, dir, "ckpt.safetensors");
        byte[] before = File.ReadAllBytes(checkpoint);
        Programs.Run("runtime", dir.Path, "--model", trained.Model, "--sim", "Pendulum-v1", "--log", "ckpt.safetensors").Expect(2, "not a TrpoEdge trajectory store");
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
    }

    [Fact]
    public void Runtime_refuses_to_log_over_its_model()
    {
        using var dir = new TempDir();
        string model = Copy(trained.Model, dir, "policy.onnx");
        byte[] before = File.ReadAllBytes(model);
        Programs.Run("runtime", dir.Path, "--model", "policy.onnx", "--sim", "Pendulum-v1", "--log", "./policy.onnx").Expect(2, "same file as --model");
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void Runtime_refuses_negative_threads_naming_the_option()
    {
        Programs.Run("runtime", trained.Directory, "--model", trained.Model, "--sim", "Pendulum-v1", "--threads", "-3").Expect(2, "--threads -3");
    }

    [Fact]
    public void Environment_ids_are_case_insensitive()
    {
        Programs.Run("runtime", trained.Directory, "--model", trained.Model, "--sim", "pendulum-v1", "--episodes", "1").Expect(0);
        Programs.Run("trainer", trained.Directory, "eval", "--checkpoint", trained.Checkpoint, "--env", "PENDULUM-V1", "--episodes", "1").Expect(0);
    }

    [Fact]
    public void An_unknown_environment_is_one_line_without_the_parameter_name()
    {
        var r = Programs.Run("trainer", trained.Directory, "train", "--env", "Pendulum-v9", "--out", "nowhere").Expect(2, "Unknown environment id 'Pendulum-v9'");
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Train_refuses_a_file_as_its_run_folder()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("notes.txt"), "mine");
        Programs.Run("trainer", dir.Path, "train", "--out", "notes.txt", "--total-steps", "10").Expect(2, "is a file");
        Assert.Equal("mine", File.ReadAllText(dir.File("notes.txt")));
    }

    [Fact]
    public void Train_refuses_an_existing_run_folder_without_resume_or_force()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("run"));
        string checkpoint = Path.Combine(dir.File("run"), "ckpt.safetensors");
        File.Copy(trained.Checkpoint, checkpoint);
        byte[] before = File.ReadAllBytes(checkpoint);
        Programs.Run("trainer", dir.Path, "train", "--out", "run", "--total-steps", "10").Expect(2, "--resume");
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
        Programs.Run("trainer", dir.Path, "train", "--out", "run", "--total-steps", "10", "--force", "--set", "final_eval_episodes=1", "--no-export").Expect(0);
        Assert.NotEqual(before, File.ReadAllBytes(checkpoint));
    }

    [Fact]
    public void Eval_refuses_a_folder_as_checkpoint()
    {
        Programs.Run("trainer", trained.Directory, "eval", "--checkpoint", "run").Expect(2, "is a folder");
    }

    [Fact]
    public void Retrain_refuses_to_write_over_its_own_checkpoint()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("R"));
        string checkpoint = Path.Combine(dir.File("R"), "ckpt.safetensors");
        File.Copy(trained.Checkpoint, checkpoint);
        byte[] before = File.ReadAllBytes(checkpoint);
        Programs.Run("trainer", dir.Path, "retrain", "--checkpoint", "R/ckpt.safetensors", "--from", trained.Store, "--out", "R").Expect(2, "destroying the input");
        Programs.Run("trainer", dir.Path, "retrain", "--checkpoint", "R/ckpt.safetensors", "--from", trained.Store, "--out", "R", "--force").Expect(2, "destroying the input");
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
    }

    [Fact]
    public void Retrain_refuses_an_unwritable_output_before_training()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("file"), "x");
        var clock = Stopwatch.StartNew();
        Programs.Run("trainer", dir.Path, "retrain", "--checkpoint", trained.Checkpoint, "--from", trained.Store, "--out", "file/sub", "--updates", "10000")
            .Expect(2, "cannot be written");
    }

    [Fact]
    public void Retrain_refuses_an_out_of_range_option_without_dotnet_decorations()
    {
        Programs.Run("trainer", trained.Directory, "retrain", "--checkpoint", trained.Checkpoint, "--from", trained.Store, "--out", "x", "--updates", "100000")
            .Expect(2, "--updates = 100000 is invalid");
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("damaged")]
    public void Retrain_refuses_a_damaged_store_with_code_2(string damage)
    {
        using var dir = new TempDir();
        string store = Copy(trained.Store, dir, "field.db");
        byte[] bytes = File.ReadAllBytes(store);
        if (damage == "truncated") File.WriteAllBytes(store, bytes[..Math.Min(8192, bytes.Length)]);
        else
        {
            // Every page after the first two overwritten with noise: the schema survives, the tables do not.
            var rng = new Random(7);
            for (int i = 8192; i < bytes.Length; i++) bytes[i] = (byte)rng.Next(256);
            File.WriteAllBytes(store, bytes);
        }
        Programs.Run("trainer", dir.Path, "retrain", "--checkpoint", trained.Checkpoint, "--from", "field.db", "--out", "out").Expect(2);
    }

    [Fact]
    public void Exporter_never_writes_the_model_over_its_checkpoint()
    {
        using var dir = new TempDir();
        string checkpoint = Copy(trained.Checkpoint, dir, "ckpt.safetensors");
        byte[] before = File.ReadAllBytes(checkpoint);
        Programs.Run("exporter", dir.Path, "--onnx", "ckpt.safetensors", "--checkpoint", checkpoint, "--force").Expect(2, "destroy it");
        Assert.Equal(before, File.ReadAllBytes(checkpoint));
    }

    [Fact]
    public void Rig_emulator_never_replaces_a_file_at_its_pty_path()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        File.WriteAllText(dir.File("rig"), "my notes");
        string rig = Path.Combine(Programs.Root, "hardware", "rigs", "direct-drive.yaml");
        Programs.Run("rig-emulator", dir.Path, "--rig", rig, "--pty", "rig").Expect(2, "already exists");
        Assert.Equal("my notes", File.ReadAllText(dir.File("rig")));
        Directory.CreateDirectory(dir.File("folder"));
        Programs.Run("rig-emulator", dir.Path, "--rig", rig, "--pty", "folder").Expect(2, "already exists");
        Assert.True(Directory.Exists(dir.File("folder")));
    }

    [Fact]
    public void Out_of_range_settings_are_named_as_the_user_typed_them()
    {
        Programs.Run("trainer", trained.Directory, "train", "--out", "x", "--total-steps", "0").Expect(2, "--total-steps (n_timesteps) = 0 is invalid");
        Programs.Run("trainer", trained.Directory, "train", "--out", "x", "--set", "gamma=1.5").Expect(2, "gamma = 1.5 is invalid");
    }

    [Fact]
    public void Runtime_accepts_env_like_the_trainer()
    {
        Programs.Run("runtime", trained.Directory, "--model", trained.Model, "--env", "Pendulum-v1", "--episodes", "1").Expect(0);
    }
}
