using System.Diagnostics;

namespace TrpoEdge.Hardware.Tests.Emulator;

/// <summary>Child processes for the tests that need a real second process: the rig-emulator CLI, and
/// a host that can be SIGKILLed.</summary>
internal static class EmulatorProcess
{
    public static Process StartEmulator(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rig-emulator.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start rig-emulator");
    }

    public static void Signal(Process p, string signal)
    {
        using Process kill = Process.Start("kill", $"-{signal} {p.Id}")!;
        kill.WaitForExit();
    }

    public static string TempLink(string what) => Path.Combine(Path.GetTempPath(), $"trpoedge-{what}-{Guid.NewGuid():N}");
}
