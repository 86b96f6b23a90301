using Spectre.Console;
using TrpoEdge.Exporter.Cli;

namespace TrpoEdge.Exporter.Tests;

/// <summary><c>exporter --verify --device</c>. No GPU here and the build carries the CPU-only ONNX Runtime: the CUDA
/// case tested is the refusal (exit 4, one line, the model still written); CUDA verification itself is not exercised.</summary>
public sealed class VerifyDeviceTests
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
    public void Verify_on_cuda_without_the_gpu_build_exits_4_in_one_line_and_the_model_is_still_written()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("c.safetensors");
        TestCheckpoints.Continuous(hidden: [16]).Save(ckpt);
        string onnx = dir.File("p.onnx");
        var (code, _, err) = Run("--onnx", onnx, "--checkpoint", ckpt, "--verify", "--device", "cuda:0");
        Assert.Equal(ExitCodes.DeviceUnavailable, code);
        Assert.Equal(4, code);
        string line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--device cuda:0: this build carries the CPU-only ONNX Runtime", line);
        Assert.Contains("cuDNN 9", line);
        Assert.True(File.Exists(onnx));
    }

    [Fact]
    public void Verify_on_cpu_named_explicitly_passes_and_a_device_without_verify_or_a_bad_name_exits_2()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("c.safetensors");
        TestCheckpoints.Continuous(hidden: [16]).Save(ckpt);
        Assert.Equal(ExitCodes.Ok, Run("--onnx", dir.File("a.onnx"), "--checkpoint", ckpt, "--verify", "--device", "cpu").Code);

        var (code, _, err) = Run("--onnx", dir.File("b.onnx"), "--checkpoint", ckpt, "--device", "cuda");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("only applies to --verify", err);

        (code, _, err) = Run("--onnx", dir.File("c.onnx"), "--checkpoint", ckpt, "--verify", "--device", "gpu0");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("Unknown device \"gpu0\"", err);
    }
}
