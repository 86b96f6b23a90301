using System.Diagnostics;
using System.Text.Json;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Exporter;

namespace TrpoEdge.Hardware.Tests.Emulator;

/// <summary>`runtime --port` against the virtual rig over a real pseudo-terminal, both as separate processes — the
/// way a user runs them. The exported policy is random but real: it goes through the exporter and ONNX Runtime.</summary>
public sealed class RuntimePortTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-port-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Runtime_drives_the_virtual_rig_over_a_pty_logs_every_episode_and_plays_exactly_the_simulated_rig()
    {
        string model = ExportRandomPolicy(SpaceSpec.Box([-1f], [1f]));
        string link = EmulatorProcess.TempLink("port");
        using Process rig = EmulatorProcess.StartEmulator("--rig", EmulatorHarness.RigFile, "--pty", link, "--lockstep");
        try
        {
            Assert.NotNull(rig.StandardOutput.ReadLine()); // the banner: the pty is linked
            string store = Path.Combine(_dir, "field.db"), serialJson = Path.Combine(_dir, "serial.json");
            var (code, output) = RunRuntime("--model", model, "--port", link, "--episodes", "2", "--seed", "7", "--explore", "--log", store, "--summary-json", serialJson);
            Assert.True(code == 0, $"runtime --port exited {code}:\n{output}");
            Assert.Contains("0 dropped", output);
            Assert.Contains("paced by the rig's clock", output); // not "free-running (simulation)"
            Assert.Contains("0 actions not applied", output);
            Assert.DoesNotContain("free-running", output);

            using (TrajectoryReader reader = TrajectoryReader.Open(store))
            {
                EpisodeData[] episodes = reader.ReadEpisodes().ToArray();
                Assert.Equal(2, episodes.Length);
                Assert.All(episodes, e => Assert.Equal(EpisodeStatus.Complete, e.Status));
                Assert.All(episodes, e => Assert.Equal(200, e.Length));
                Assert.All(episodes, e => Assert.All(e.LogProbs, lp => Assert.True(double.IsFinite(lp))));
                Assert.Equal("Rig:direct-drive", reader.Runs.Single().Info.EnvId);
            }

            // The virtual rig runs the same rig model with the same seeds, so the trajectories are the simulated plant's;
            // returns agree to float32 rounding because the wire carries each step's reward as float32.
            string simJson = Path.Combine(_dir, "sim.json");
            (code, output) = RunRuntime("--model", model, "--rig", EmulatorHarness.RigFile, "--episodes", "2", "--seed", "7", "--explore", "--summary-json", simJson);
            Assert.True(code == 0, output);
            double[] sim = Returns(simJson), serial = Returns(serialJson);
            Assert.Equal(sim.Length, serial.Length);
            for (int i = 0; i < sim.Length; i++) Assert.Equal(sim[i], serial[i], 1e-4);
        }
        finally
        {
            if (!rig.HasExited) rig.Kill();
        }
    }

    [Fact]
    public void A_model_whose_action_bounds_differ_from_the_rigs_handshake_is_refused_before_any_command()
    {
        string model = ExportRandomPolicy(SpaceSpec.Box([-2f], [2f])); // Pendulum-v1's torque bounds, not the rig's ±1
        string link = EmulatorProcess.TempLink("port");
        using Process rig = EmulatorProcess.StartEmulator("--rig", EmulatorHarness.RigFile, "--pty", link, "--lockstep");
        try
        {
            Assert.NotNull(rig.StandardOutput.ReadLine());
            var (code, output) = RunRuntime("--model", model, "--port", link, "--episodes", "1");
            Assert.True(code == 3, $"expected exit 3 (the model does not fit the plant), got {code}:\n{output}");
            Assert.Contains("action", output, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            if (!rig.HasExited) rig.Kill();
        }
    }

    private string ExportRandomPolicy(SpaceSpec action)
    {
        var rng = new Random(3);
        float[] Random(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1) * scale).ToArray();
        var checkpoint = new PolicyCheckpoint
        {
            EnvId = "Rig:direct-drive",
            ObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
            ActionSpace = action,
            ControlPeriod = 0.05,
            Hidden = [8],
            PolicyLayers = [new DenseLayer(3, 8, Random(24, 1), Random(8, 0.1f)), new DenseLayer(8, 1, Random(8, 0.5f), [0f])],
            ValueLayers = [new DenseLayer(3, 8, Random(24, 1), new float[8]), new DenseLayer(8, 1, Random(8, 1), [0f])],
            LogStd = [-0.5f],
            ObsNorm = new ObservationNormState([0, 0, 0], [1, 1, 1], 1, 10f, 1e-8f),
            PolicyVersion = 1,
        };
        string ckpt = Path.Combine(_dir, $"ckpt-{action.High[0]}.safetensors");
        string sha = checkpoint.Save(ckpt);
        string onnx = Path.ChangeExtension(ckpt, ".onnx");
        PolicyExporter.Export(checkpoint, sha, onnx);
        return onnx;
    }

    private static double[] Returns(string summaryJson)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(summaryJson));
        return doc.RootElement.GetProperty("returns").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    private static (int Code, string Output) RunRuntime(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "runtime", "cli", "bin", "Release", "net10.0", "runtime.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("could not start runtime");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(); throw new TimeoutException("runtime did not finish within 120 s"); }
        return (p.ExitCode, stdout.GetAwaiter().GetResult() + stderr.GetAwaiter().GetResult());
    }
}
