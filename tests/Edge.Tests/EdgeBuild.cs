using System.Diagnostics;

namespace TrpoEdge.Edge.Tests;

/// <summary>The linux-arm64 and linux-x64 NativeAOT runtimes, published once for the test collection with
/// scripts/publish-edge.sh (the script users run), one after the other (two publishes of one project at once would
/// share its obj folder), plus the helpers that start them — arm64 under qemu-user — and the x64 JIT programs beside
/// them.</summary>
public sealed class EdgeBuild
{
    public EdgeBuild()
    {
        _rigPolicy = new Lazy<string>(TrainRigPolicy);
        Root = FindRoot();
        Output = Directory.CreateTempSubdirectory("trpoedge-edge-").FullName;
        var output = new System.Text.StringBuilder();
        foreach (string rid in new[] { "linux-arm64", "linux-x64" })
        {
            var (code, text) = Run("bash", [Path.Combine(Root, "scripts", "publish-edge.sh"), rid, Output], TimeSpan.FromMinutes(20));
            if (code != 0) throw new InvalidOperationException($"scripts/publish-edge.sh {rid} exited {code}:\n{text}");
            output.Append(text);
        }
        Arm64Runtime = Path.Combine(Output, "trpoedge-runtime-linux-arm64", "runtime");
        X64Runtime = Path.Combine(Output, "trpoedge-runtime-linux-x64", "runtime");
        PublishOutput = output.ToString();
    }

    public string Root { get; }
    public string Output { get; }
    public string Arm64Runtime { get; }
    /// <summary>The linux-x64 NativeAOT binary, run natively.</summary>
    public string X64Runtime { get; }
    public string PublishOutput { get; }

    /// <summary>A run folder (ckpt.safetensors, policy.onnx) of a short x64 training on the direct-drive rig, made once
    /// for the x64 tests that need a policy and do not compare trainings.</summary>
    public string RigPolicy => _rigPolicy.Value;

    private readonly Lazy<string> _rigPolicy;

    private string TrainRigPolicy()
    {
        string run = Path.Combine(Output, "rig-policy");
        var (code, output) = RunX64("trainer", "train", "--env", Path.Combine(Root, "hardware", "rigs", "direct-drive.yaml"), "--total-steps", "1600",
            "--set", "n_envs=4", "--set", "eval_every=0", "--set", "final_eval_episodes=1", "--out", run);
        if (code != 0) throw new InvalidOperationException($"trainer train exited {code}:\n{output}");
        return run;
    }

    /// <summary>The x64 NativeAOT runtime as a child process.</summary>
    public (int Code, string Output) RunX64Aot(params string[] args) => Run(X64Runtime, args, TimeSpan.FromMinutes(5));

    /// <summary>The arm64 runtime under qemu-user (scripts/qemu-arm64.sh).</summary>
    public (int Code, string Output) RunArm64(params string[] args) =>
        Run("bash", [Path.Combine(Root, "scripts", "qemu-arm64.sh"), Arm64Runtime, .. args], TimeSpan.FromMinutes(5));

    /// <summary>An x64 program from the Release build, as `dotnet program.dll`.</summary>
    public (int Code, string Output) RunX64(string program, params string[] args)
    {
        string dll = Path.Combine(Root, program, "cli", "bin", "Release", "net10.0", program + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is not built; run `dotnet build TrpoEdge.sln -c Release` first.", dll);
        return Run("dotnet", [dll, .. args], TimeSpan.FromMinutes(5));
    }

    public static (int Code, string Output) Run(string file, string[] args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = FindRoot() };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} ran over {timeout.TotalSeconds} s");
        }
        return (p.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TrpoEdge.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No TrpoEdge.sln above {AppContext.BaseDirectory}.");
    }
}
