using System.Diagnostics;

namespace TrpoEdge.EndToEnd.Tests;

/// <summary>Runs the toolkit's programs as a user does: `dotnet &lt;program&gt;.dll args`, from the repository root.</summary>
internal static class Programs
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TrpoEdge.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No TrpoEdge.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootLazy.Value;

    /// <summary>Runs a program to completion; returns its exit code and everything it printed.</summary>
    public static (int Code, string Output) Run(string program, params string[] args)
    {
        string dll = Path.Combine(Root, program, "cli", "bin", "Release", "net10.0", program + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is not built; run `dotnet build TrpoEdge.sln -c Release` first.", dll);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        psi.ArgumentList.Add(dll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000)) { p.Kill(entireProcessTree: true); throw new TimeoutException($"{program} {string.Join(' ', args)} ran over 300 s"); }
        return (p.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }

    public static string Expect0(string program, params string[] args)
    {
        var (code, output) = Run(program, args);
        Assert.True(code == 0, $"`{program} {string.Join(' ', args)}` exited {code}:\n{output}");
        return output;
    }
}
