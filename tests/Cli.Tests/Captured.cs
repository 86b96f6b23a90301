using System.Diagnostics;
using System.Text;

namespace TrpoEdge.Cli.Tests;

/// <summary>Collects a started program's stdout and stderr as they arrive, so a test can wait for a line and still
/// read everything after the process ends.</summary>
internal sealed class Captured
{
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly Process _process;

    public Captured(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_err) _err.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout { get { lock (_out) return _out.ToString(); } }
    public string Stderr { get { lock (_err) return _err.ToString(); } }

    /// <summary>Waits until <paramref name="condition"/> holds; fails if the process exits first or 90 s pass.</summary>
    public void WaitFor(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited) Assert.Fail($"the process exited ({_process.ExitCode}) before {what}:\n{Stdout}{Stderr}");
            if (clock.Elapsed > TimeSpan.FromSeconds(90)) Assert.Fail($"no {what} after 90 s:\n{Stdout}{Stderr}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Waits for the exit; kills the process tree if it does not come within <paramref name="timeout"/>.</summary>
    public bool Exited(TimeSpan timeout)
    {
        if (_process.WaitForExit(timeout)) { _process.WaitForExit(); return true; } // the second wait drains the readers
        _process.Kill(entireProcessTree: true);
        return false;
    }
}
