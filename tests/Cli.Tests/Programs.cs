using System.Diagnostics;
using System.Globalization;

namespace TrpoEdge.Cli.Tests;

/// <summary>Runs the built programs as a user does (`dotnet &lt;program&gt;.dll args`), with output redirected
/// and colour off, from a working directory the test chooses.</summary>
internal static class Programs
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TrpoEdge.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No TrpoEdge.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootLazy.Value;

    public static string Dll(string program)
    {
        string folder = program == "rig-emulator" ? Path.Combine("hardware", "emulator") : Path.Combine(program, "cli");
        string dll = Path.Combine(Root, folder, "bin", "Release", "net10.0", program + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is not built; build this test project in Release first.", dll);
        return dll;
    }

    /// <summary>Starts a program. <paramref name="foreground"/> gives it SIGINT's default disposition, as a command
    /// typed at a terminal has: a background test host (`dotnet test &amp;`) has SIGINT ignored, every child inherits
    /// the ignore, and .NET then installs no Ctrl-C handler at all.</summary>
    public static Process Start(string program, string workingDirectory, bool foreground, params string[] args)
    {
        var psi = new ProcessStartInfo(foreground ? "env" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (foreground)
        {
            psi.ArgumentList.Add("--default-signal=INT"); // GNU coreutils ≥ 8.31
            psi.ArgumentList.Add("dotnet");
        }
        psi.ArgumentList.Add(Dll(program));
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
    }

    /// <summary>Runs a program to completion in <paramref name="workingDirectory"/>; returns its exit code, stdout and stderr.</summary>
    public static Result Run(string program, string workingDirectory, params string[] args)
    {
        using Process p = Start(program, workingDirectory, foreground: false, args);
        p.StandardInput.Close();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} ran over 180 s");
        }
        return new Result(p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult(), $"{program} {string.Join(' ', args)}");
    }

    public static void Signal(Process p, string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, p.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }
}
