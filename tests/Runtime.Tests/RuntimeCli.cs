using System.Diagnostics;
using System.Reflection;

namespace TrpoEdge.Runtime.Tests;

/// <summary>Starts the built <c>runtime</c> CLI (runtime/cli's output, built as a dependency of this project) as a child process.</summary>
internal static class RuntimeCli
{
    public static string DllPath { get; } = Path.GetFullPath(typeof(RuntimeCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RuntimeCliDll").Value!);

    public static Process Start(params string[] args) => Start(asForegroundJob: false, args);

    /// <summary>Starts the runtime CLI. <paramref name="asForegroundJob"/> gives it SIGINT's default disposition, as a
    /// command typed at a terminal has: a shell starts background jobs (`dotnet test … &amp;`, nohup) with SIGINT ignored,
    /// the ignore is inherited by every child, and .NET then (rightly) installs no Ctrl-C handler.</summary>
    public static Process Start(bool asForegroundJob, params string[] args)
    {
        if (!File.Exists(DllPath)) throw new FileNotFoundException($"The runtime CLI was not built at {DllPath}.");
        var psi = new ProcessStartInfo(asForegroundJob ? "env" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asForegroundJob)
        {
            psi.ArgumentList.Add("--default-signal=INT"); // GNU coreutils ≥ 8.31
            psi.ArgumentList.Add("dotnet");
        }
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(DllPath);
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        return Process.Start(psi)!;
    }

    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using Process p = Start(args);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"runtime {string.Join(" ", args)} did not finish in 60 s.");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
