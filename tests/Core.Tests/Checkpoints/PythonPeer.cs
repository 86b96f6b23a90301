using System.Diagnostics;
using System.Text.Json.Nodes;

namespace TrpoEdge.Core.Tests.Checkpoints;

/// <summary>Runs safetensors_peer.py (copied next to the test assembly) and returns its parsed output.</summary>
internal static class PythonPeer
{
    public static JsonObject Read(string file) => (JsonObject)JsonNode.Parse(Run("read", file))!;

    public static void Write(string file) => Run("write", file);

    private static string Run(string mode, string file)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "safetensors_peer.py");
        var psi = new ProcessStartInfo(PythonFactAttribute.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(mode);
        psi.ArgumentList.Add(file);
        using var process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"safetensors_peer.py {mode} failed ({process.ExitCode}): {stderr}");
        return stdout.Result;
    }
}
