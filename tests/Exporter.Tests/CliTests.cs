using Spectre.Console;
using TrpoEdge.Exporter.Cli;

namespace TrpoEdge.Exporter.Tests;

/// <summary>The <c>exporter</c> command: exit codes 0 ok, 1 verification failed, 2 bad input; messages a user can act on.</summary>
public sealed class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        int code = ExportCommand.Create(console, stderr).Run(args);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Export_prints_inputs_outputs_metadata_parameters_and_the_file_hash_and_exits_0()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("c.safetensors");
        TestCheckpoints.Continuous(hidden: [64, 64]).Save(ckpt);
        string onnx = dir.File("out/policy.onnx");

        var (code, output, err) = Run("--onnx", onnx, "--checkpoint", ckpt);

        Assert.True(code == 0, err);
        Assert.Matches(@"input\s+│\s+obs\s+│\s+float32\s+│\s+\[batch, 3\]", output);
        Assert.Matches(@"output\s+│\s+action_log_std\s+│\s+float32\s+│\s+\[batch, 1\]", output);
        Assert.Contains("trpoedge.checkpoint_sha256", output);
        Assert.Contains("parameters  4,482", output);
        Assert.Contains("sha256      " + TrpoEdge.Core.Checkpoints.PolicyCheckpoint.Sha256Of(onnx), output);
        Assert.Contains("checkpoint  " + TrpoEdge.Core.Checkpoints.PolicyCheckpoint.Sha256Of(ckpt), output);
    }

    [Fact]
    public void Verify_runs_onnx_runtime_against_the_reference_and_exits_0()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("c.safetensors");
        TestCheckpoints.Discrete(hidden: [32, 32]).Save(ckpt);
        var (code, output, err) = Run("--onnx", dir.File("p.onnx"), "--checkpoint", ckpt, "--verify");
        Assert.True(code == 0, err + output);
        Assert.Contains("verified: 10,000 random + 64 recorded + 256 clip-probe observations", output);
    }

    [Fact]
    public void A_missing_checkpoint_exits_2_naming_the_file()
    {
        using var dir = new TempDir();
        var (code, _, err) = Run("--onnx", dir.File("p.onnx"), "--checkpoint", dir.File("missing.safetensors"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("missing.safetensors", err);
        Assert.Contains("does not exist", err);
    }

    [Fact]
    public void A_refused_checkpoint_exits_2_with_the_checkpoints_message_naming_the_tensor()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("c.safetensors");
        TestCheckpoints.Continuous(hidden: [8]).Save(ckpt);
        var content = TrpoEdge.Core.Checkpoints.SafeTensors.Read(ckpt);
        TrpoEdge.Core.Checkpoints.SafeTensors.Write(ckpt, content.Tensors.Values.Where(t => t.Name != "obs_norm.var").ToList(), content.Metadata);
        var (code, _, err) = Run("--onnx", dir.File("p.onnx"), "--checkpoint", ckpt);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("obs_norm.var", err);
    }

    [Fact]
    public void An_existing_output_exits_2_without_force_and_is_replaced_with_force()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("c.safetensors");
        TestCheckpoints.Discrete(hidden: [8]).Save(ckpt);
        string onnx = dir.File("p.onnx");
        File.WriteAllText(onnx, "old");
        var (code, _, err) = Run("--onnx", onnx, "--checkpoint", ckpt);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--force", err);
        Assert.Equal("old", File.ReadAllText(onnx));
        Assert.Equal(ExitCodes.Ok, Run("--onnx", onnx, "--checkpoint", ckpt, "--force").Code);
        Assert.NotEqual("old", File.ReadAllText(onnx));
    }

    [Fact]
    public void Missing_required_options_exit_2_with_usage()
    {
        var (code, _, err) = Run("--checkpoint", "c.safetensors");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--onnx", err);
        Assert.Contains("Usage", err);
    }
}
