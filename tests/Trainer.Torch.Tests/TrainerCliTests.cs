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

    /// <summary>Where the system libstdc++ lacks GLIBCXX_3.4.32 (Debian 12), the library as TorchSharp ships it cannot
    /// load: the trainer must say so in one line and exit 2, not crash. Elsewhere the unpatched library loads, and
    /// the test checks that instead.</summary>
    [Fact]
    public void An_unpatched_libtorchsharp_gives_one_clear_error_line_where_libstdcxx_is_too_old()
    {
        string built = Path.Combine(RepoRoot(), "trainer", "torch", "bin", Configuration(), "net10.0");
        string engine = Path.Combine(_dir, "engine");
        // A hard-linked copy of the engine's output (cheap), then the shipped library in place of the patched one:
        // delete first, so the copy never writes through a link into the real output.
        Run("cp", "-al", built, engine);
        string lib = Path.Combine(engine, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Delete(lib);
        File.Copy(ShippedLibTorchSharp(), lib);

        var (code, output) = Trainer(new Dictionary<string, string> { [Engines.EngineCatalog.TorchDirectoryVariable] = engine },
            "train", "--engine", "torchsharp", "--env", "CartPole-v1", "--total-steps", "1", "--no-export", "--out", Path.Combine(_dir, "run"));
        if (SystemLibStdCxxHas("GLIBCXX_3.4.32"))
        {
            Assert.True(code == 0, $"the shipped library should load where libstdc++ is new enough; exit {code}:\n{output}");
            return;
        }
        Assert.Equal(2, code);
        string flat = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
        Assert.StartsWith("trainer: error: The TorchSharp engine could not load LibTorch: the system libstdc++ lacks GLIBCXX_3.4.32", flat.TrimStart());
        Assert.Contains("apt-get install g++ patchelf", flat);
        Assert.DoesNotContain("LoadNativeBackend", output); // TorchSharp's page-long loader trace stays out
    }

    private static string ShippedLibTorchSharp()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"{path} is missing: the TorchSharp package should be in the package cache after a restore.");
        return path;
    }

    private static bool SystemLibStdCxxHas(string version)
    {
        string path = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        return File.Exists(path) && File.ReadAllText(path, System.Text.Encoding.Latin1).Contains(version, StringComparison.Ordinal);
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        using Process p = Process.Start(start)!;
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)} failed: {error}");
    }

    private static (int Code, string Output) Trainer(params string[] args) => Trainer(new Dictionary<string, string>(), args);

    private static (int Code, string Output) Trainer(Dictionary<string, string> environment, params string[] args)
    {
        string dll = Path.Combine(RepoRoot(), "trainer", "cli", "bin", Configuration(), "net10.0", "trainer.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution (dotnet build TrpoEdge.sln -c {Configuration()}) first.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "400";
        foreach (var (key, value) in environment) start.Environment[key] = value;
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
