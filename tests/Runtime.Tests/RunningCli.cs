using System.Diagnostics;

namespace TrpoEdge.Runtime.Tests;

/// <summary>A started <c>runtime</c> child that is killed on dispose if still running, so a failed test
/// never leaves a control loop behind.</summary>
internal sealed class RunningCli(Process process) : IDisposable
{
    public Process Process { get; } = process;

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        Process.Dispose();
    }
}
