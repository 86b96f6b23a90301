using System.Diagnostics;
using System.Text.Json;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Exporter;
using TrpoEdge.Hardware.Tests.Emulator;

namespace TrpoEdge.Hardware.Tests.Wine;

/// <summary>The Windows build of `runtime --port COM3` — System.IO.Ports over Windows' serial API — run for real
/// under Wine: `runtime` published for win-x64, self-contained; a fresh Wine prefix whose COM3 is the pseudo-
/// terminal of a rig-emulator process; a full episode whose return must equal the simulated rig's. Wine and gcc
/// come from Debian (scripts/test.sh installs them). One artefact of the rig: a pty has no modem lines, which
/// Windows' serial API queries on open, so a small LD_PRELOAD shim (modemlines.c, built here) answers for them.</summary>
public sealed class RuntimeUnderWineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-wine-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task The_win_x64_runtime_drives_the_virtual_rig_on_COM3_under_Wine_and_plays_exactly_the_simulated_rig()
    {
        if (!OperatingSystem.IsLinux()) return; // the test drives Wine; on Windows the other port tests run the real thing
        string wine = Which("wine") ?? throw new InvalidOperationException("wine is not installed: `apt-get install --no-install-recommends wine wine64` (scripts/test.sh does).");
        string gcc = Which("gcc") ?? throw new InvalidOperationException("gcc is not installed (scripts/test.sh installs it).");

        // 1. The shim and the Windows build.
        string shim = Path.Combine(_dir, "libmodemlines.so");
        await Run(gcc, ["-shared", "-fPIC", "-O2", "-o", shim, Path.Combine(AppContext.BaseDirectory, "Wine", "modemlines.c"), "-ldl"], TimeSpan.FromSeconds(60));
        string publish = Path.Combine(_dir, "win-x64");
        await Run("dotnet", ["publish", Path.Combine(RepoPaths.Root, "runtime", "cli", "TrpoEdge.Runtime.Cli.csproj"), "-c", "Release",
            "-r", "win-x64", "--self-contained", "-o", publish, "-nologo", "-v", "q"], TimeSpan.FromMinutes(8));
        string exe = Path.Combine(publish, "runtime.exe");
        Assert.True(File.Exists(exe), $"dotnet publish -r win-x64 did not produce {exe}");

        // 2. A fresh prefix (headless: no display, no Mono or Gecko prompts).
        var env = new Dictionary<string, string>
        {
            ["WINEPREFIX"] = Path.Combine(_dir, "prefix"),
            ["WINEDEBUG"] = "-all",
            ["WINEDLLOVERRIDES"] = "winemenubuilder.exe=d;mshtml=d", // .NET needs Wine's mscoree: leave that alone
            ["DISPLAY"] = "",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        await Run("wineboot", ["-i"], TimeSpan.FromMinutes(3), env);
        await Run("wineserver", ["-w"], TimeSpan.FromMinutes(1), env);

        // 3. The rig on a pty, and COM3 pointing at it.
        string model = ExportRandomPolicy();
        string link = EmulatorProcess.TempLink("wine");
        // Lockstep: the rig answers each ACTION at once, so the episode takes as long as the link needs. The watchdog
        // is raised from 200 ms to 5 s: a Windows process under Wine on a loaded 2-core CI machine can pause longer
        // than 200 ms (wineserver round trips), and a tripped watchdog would change the episode, not test the port.
        using Process rig = EmulatorProcess.StartEmulator("--rig", EmulatorHarness.RigFile, "--pty", link, "--lockstep", "--watchdog-ms", "5000");
        try
        {
            Assert.NotNull(await rig.StandardOutput.ReadLineAsync()); // the banner: the pty exists
            string pty = new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? link;
            File.CreateSymbolicLink(Path.Combine(env["WINEPREFIX"], "dosdevices", "com3"), pty);

            string serialJson = Path.Combine(_dir, "wine.json");
            env["LD_PRELOAD"] = shim;
            var (code, output) = await Run(wine, [exe, "--model", WinPath(model), "--port", "COM3", "--episodes", "1", "--seed", "7", "--explore",
                "--summary-json", WinPath(serialJson)], TimeSpan.FromMinutes(4), env, check: false);
            Assert.True(code == 0, $"runtime.exe --port COM3 under Wine exited {code}:\n{output}");
            Assert.Contains("paced by the rig", output);
            Assert.Contains("0 dropped", output);

            // The same policy on the simulated rig (the Linux build): the virtual rig runs the same model with the
            // same seed, so the episode is the same; the wire carries rewards as float32.
            string simJson = Path.Combine(_dir, "sim.json");
            (code, output) = await Run("dotnet", [Path.Combine(RepoPaths.Root, "runtime", "cli", "bin", "Release", "net10.0", "runtime.dll"),
                "--model", model, "--rig", EmulatorHarness.RigFile, "--episodes", "1", "--seed", "7", "--explore", "--summary-json", simJson], TimeSpan.FromMinutes(2));
            double[] sim = Returns(simJson), wineReturns = Returns(serialJson);
            Assert.Single(sim);
            Assert.Equal(sim.Length, wineReturns.Length);
            Assert.Equal(sim[0], wineReturns[0], 1e-4);
            Assert.Equal(200, Steps(serialJson));

            // A port that does not exist gets a message that says so, not "access denied".
            (code, output) = await Run(wine, [exe, "--model", WinPath(model), "--port", "COM9"], TimeSpan.FromMinutes(2), env, check: false);
            Assert.True(code == 2, $"expected exit 2 for a missing COM9, got {code}:\n{output}");
            Assert.Contains("Serial port COM9 does not exist", output);
        }
        finally
        {
            if (!rig.HasExited) rig.Kill();
            try { await Run("wineserver", ["-k"], TimeSpan.FromSeconds(30), env, check: false); } catch (TimeoutException) { }
        }
    }

    /// <summary>Wine maps the Unix root to Z:.</summary>
    private static string WinPath(string unixPath) => "Z:" + unixPath.Replace('/', '\\');

    private static double[] Returns(string summaryJson)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(summaryJson));
        return doc.RootElement.GetProperty("returns").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    private static long Steps(string summaryJson)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(summaryJson));
        return doc.RootElement.GetProperty("steps").GetInt64();
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static async Task<(int Code, string Output)> Run(string file, string[] args, TimeSpan timeout, Dictionary<string, string>? env = null, bool check = true)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.Environment["NO_COLOR"] = "1";
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(" ", args)} did not finish within {timeout.TotalSeconds:F0} s:\n{await stdout}{await stderr}");
        }
        string output = await stdout + await stderr;
        if (check && p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(" ", args)} exited {p.ExitCode}:\n{output}");
        return (p.ExitCode, output);
    }

    private string ExportRandomPolicy()
    {
        var rng = new Random(5);
        float[] Random(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();
        var checkpoint = new PolicyCheckpoint
        {
            EnvId = "Rig:direct-drive",
            ObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
            ActionSpace = SpaceSpec.Box([-1f], [1f]),
            ControlPeriod = 0.05,
            Hidden = [8],
            PolicyLayers = [new DenseLayer(3, 8, Random(24, 1), Random(8, 0.1f)), new DenseLayer(8, 1, Random(8, 0.5f), [0f])],
            ValueLayers = [new DenseLayer(3, 8, Random(24, 1), new float[8]), new DenseLayer(8, 1, Random(8, 1), [0f])],
            LogStd = [-0.5f],
            ObsNorm = new ObservationNormState([0, 0, 0], [1, 1, 1], 1, 10f, 1e-8f),
            PolicyVersion = 1,
        };
        string ckpt = Path.Combine(_dir, "policy.safetensors");
        string sha = checkpoint.Save(ckpt);
        string onnx = Path.Combine(_dir, "policy.onnx");
        PolicyExporter.Export(checkpoint, sha, onnx);
        return onnx;
    }
}
