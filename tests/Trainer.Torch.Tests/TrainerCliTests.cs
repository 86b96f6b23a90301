using System.Diagnostics;

namespace TrpoEdge.Trainer.Torch.Tests;

/// <summary>`trainer train --engine torchsharp` as a user runs it: the trainer program (built by the solution) finds
/// the engine in trainer/torch's build output, trains, saves and exports.</summary>
public sealed class TrainerCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-torch-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Trainer_trains_cartpole_on_the_torchsharp_engine_and_exports()
    {
        var (code, output) = Trainer("train", "--engine", "torchsharp", "--env", "CartPole-v1", "--total-steps", "4096", "--seed", "1", "--out", _dir);
        Assert.True(code == 0, $"trainer exited {code}:\n{output}");
        Assert.Contains("torchsharp", output); // the start line names the engine (Spectre may wrap it)
        Assert.True(File.Exists(Path.Combine(_dir, "ckpt.safetensors")), output);
        Assert.True(File.Exists(Path.Combine(_dir, "policy.onnx")), output);
    }

    [Fact]
    public void Cuda_is_refused_with_exit_code_2_and_a_reason()
    {
        var (code, output) = Trainer("train", "--engine", "torchsharp", "--device", "cuda", "--env", "CartPole-v1", "--total-steps", "1", "--out", _dir);
        Assert.Equal(2, code);
        Assert.Contains("no CUDA device", output);
    }

    private static (int Code, string Output) Trainer(params string[] args)
    {
        string dll = Path.Combine(RepoRoot(), "trainer", "cli", "bin", Configuration(), "net10.0", "trainer.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution (dotnet build TrpoEdge.sln -c {Configuration()}) first.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["NO_COLOR"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("trainer did not finish within 5 minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Configuration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TrpoEdge.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No TrpoEdge.sln above {AppContext.BaseDirectory}.");
    }
}
