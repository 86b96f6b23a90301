using System.Diagnostics;

namespace TrpoEdge.Edge.Tests;

/// <summary>The linux-arm64 NativeAOT runtime, published once for the test class with scripts/publish-edge.sh (the
/// script users run), plus the helpers that start it under qemu-user and the x64 programs beside it.</summary>
public sealed class EdgeBuild
{
    public EdgeBuild()
    {
        Root = FindRoot();
        Output = Directory.CreateTempSubdirectory("trpoedge-edge-").FullName;
        var (code, output) = Run("bash", [Path.Combine(Root, "scripts", "publish-edge.sh"), "linux-arm64", Output], TimeSpan.FromMinutes(20));
        if (code != 0) throw new InvalidOperationException($"scripts/publish-edge.sh linux-arm64 exited {code}:\n{output}");
        Arm64Runtime = Path.Combine(Output, "trpoedge-runtime-linux-arm64", "runtime");
        PublishOutput = output;
    }

    public string Root { get; }
    public string Output { get; }
    public string Arm64Runtime { get; }
    public string PublishOutput { get; }

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
