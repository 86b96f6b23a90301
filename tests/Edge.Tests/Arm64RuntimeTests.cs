using System.Diagnostics;
using System.Text.Json;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Edge.Tests;

/// <summary>The runtime as an embedded engineer ships it: a linux-arm64 NativeAOT binary (cross-built here by
/// scripts/publish-edge.sh), run under qemu-user, against the x64 build of the same programs. The publishes are the
/// collection's (<see cref="EdgeBuild"/>, about a minute of ILC each on an idle machine); the qemu runs take seconds.</summary>
[Collection(EdgeCollection.Name)]
public sealed class Arm64RuntimeTests : IDisposable
{
    private readonly EdgeBuild _edge;
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-edge-run-").FullName;
    private readonly string _rig;

    public Arm64RuntimeTests(EdgeBuild edge)
    {
        _edge = edge;
        _rig = Path.Combine(edge.Root, "hardware", "rigs", "direct-drive.yaml");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_publish_is_an_arm64_binary_with_arm64_natives_only_and_no_symbols()
    {
        string folder = Path.GetDirectoryName(_edge.Arm64Runtime)!;
        string[] files = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(["libe_sqlite3.so", "libonnxruntime.so", "libonnxruntime_providers_shared.so", "runtime"], files);
        foreach (string f in Directory.GetFiles(folder))
        {
            byte[] head = File.ReadAllBytes(f)[..20];
            Assert.True(head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F', $"{f} is not an ELF file");
            Assert.True(BitConverter.ToUInt16(head, 18) == 183, $"{f} is not an aarch64 ELF (e_machine {BitConverter.ToUInt16(head, 18)})");
        }
        Assert.True(File.Exists(Path.Combine(_edge.Output, "trpoedge-runtime-linux-arm64.tar.gz")));
    }

    [Fact]
    public void Arm64_under_qemu_plays_the_rig_as_the_x64_runtime_does_and_its_store_feeds_x64_retrain()
    {
        string sim = Path.Combine(_dir, "sim");
        Expect0(_edge.RunX64("trainer", "train", "--env", _rig, "--total-steps", "3200", "--set", "n_envs=4", "--set", "eval_every=0",
            "--set", "final_eval_episodes=2", "--out", sim), "trainer train");
        string model = Path.Combine(sim, "policy.onnx");

        // Deterministic and exploring runs on the same seeds, x64 JIT against arm64 NativeAOT.
        foreach (bool explore in new[] { false, true })
        {
            string x64Json = Path.Combine(_dir, $"x64-{explore}.json"), armJson = Path.Combine(_dir, $"arm-{explore}.json");
            string[] common = ["--model", model, "--rig", _rig, "--episodes", "3", "--seed", "21", .. explore ? new[] { "--explore" } : []];
            Expect0(_edge.RunX64("runtime", [.. common, "--summary-json", x64Json]), "x64 runtime");
            string armDb = Path.Combine(_dir, $"arm-{explore}.db");
            string armOut = Expect0(_edge.RunArm64([.. common, "--summary-json", armJson, "--log", armDb]), "arm64 runtime under qemu");
            // The console table wraps at 80 columns when redirected: compare with whitespace collapsed.
            Assert.Contains("ONNX Runtime 1.32.0 on cpu", System.Text.RegularExpressions.Regex.Replace(armOut, @"\s+", " "));
            double[] x64 = Returns(x64Json), arm = Returns(armJson);
            Assert.Equal(3, arm.Length);
            // Same physics code, same seeds, same ONNX model: the returns agree. Here they are bit-identical; ORT's
            // x64 (AVX) and arm64 (NEON) kernels may sum in another order on other CPUs, hence the 1e-6 relative bound.
            for (int i = 0; i < 3; i++)
                Assert.True(Math.Abs(x64[i] - arm[i]) <= 1e-6 * Math.Abs(x64[i]), $"episode {i} ({(explore ? "explore" : "deterministic")}): x64 {x64[i]:R}, arm64 {arm[i]:R}");

            using TrajectoryReader reader = TrajectoryReader.Open(armDb);
            EpisodeData[] episodes = reader.ReadEpisodes().ToArray();
            Assert.Equal(3, episodes.Length);
            Assert.All(episodes, e => Assert.Equal(EpisodeStatus.Complete, e.Status));
        }

        // The arm64 board's exploring store is training data for the x64 trainer.
        string retrain = Expect0(_edge.RunX64("trainer", "retrain", "--checkpoint", Path.Combine(sim, "ckpt.safetensors"),
            "--from", Path.Combine(_dir, "arm-True.db"), "--out", Path.Combine(_dir, "retrained"), "--updates", "1", "--seed", "1"), "trainer retrain");
        Assert.Contains("600 steps", retrain);
        Assert.True(File.Exists(Path.Combine(_dir, "retrained", "ckpt.safetensors")));
    }

    [Fact]
    public void Arm64_under_qemu_drives_the_x64_rig_emulator_over_a_pty()
    {
        string sim = Path.Combine(_dir, "sim-port");
        Expect0(_edge.RunX64("trainer", "train", "--env", _rig, "--total-steps", "1600", "--set", "n_envs=4", "--set", "eval_every=0",
            "--set", "final_eval_episodes=1", "--out", sim), "trainer train");
        string model = Path.Combine(sim, "policy.onnx");
        string link = Path.Combine(Path.GetTempPath(), $"trpoedge-edge-pty-{Guid.NewGuid():N}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "rig-emulator.dll"), "--rig", _rig, "--pty", link, "--lockstep" }) psi.ArgumentList.Add(a);
        using Process rig = Process.Start(psi)!;
        try
        {
            Assert.NotNull(rig.StandardOutput.ReadLine()); // the banner: the pty is linked
            string serialJson = Path.Combine(_dir, "serial.json"), simJson = Path.Combine(_dir, "sim.json");
            string output = Expect0(_edge.RunArm64("--model", model, "--port", link, "--episodes", "2", "--seed", "7", "--summary-json", serialJson), "arm64 runtime --port");
            Assert.Contains("0 dropped", output);
            Expect0(_edge.RunX64("runtime", "--model", model, "--rig", _rig, "--episodes", "2", "--seed", "7", "--summary-json", simJson), "x64 runtime --rig");
            // The emulator runs the same rig model with the same seeds; the wire carries rewards as float32.
            double[] serial = Returns(serialJson), simulated = Returns(simJson);
            Assert.Equal(simulated.Length, serial.Length);
            for (int i = 0; i < serial.Length; i++) Assert.Equal(simulated[i], serial[i], 1e-4);
        }
        finally
        {
            if (!rig.HasExited) rig.Kill();
        }
    }

    /// <summary>The arm64 binary's MQTT client (MQTTnet, protobuf payloads) under qemu against a real broker and the
    /// x64 rig-emulator in lockstep: the same returns as the x64 runtime on the same seeds.</summary>
    [Fact]
    public void Arm64_under_qemu_drives_the_x64_rig_emulator_over_mqtt_as_the_x64_runtime_does()
    {
        string model = Path.Combine(_edge.RigPolicy, "policy.onnx");
        using var broker = Mosquitto.Start(_dir);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "rig-emulator.dll"), "--mqtt", broker.Url, "--rig-id", "rig-01", "--rig", _rig, "--lockstep" })
            psi.ArgumentList.Add(a);
        using Process rig = Process.Start(psi)!;
        try
        {
            Assert.NotNull(rig.StandardOutput.ReadLine()); // the banner: connected, serving rig-01
            string[] common = ["--model", model, "--mqtt", broker.Url, "--rig-id", "rig-01", "--episodes", "2", "--seed", "5"];
            string x64 = Expect0(_edge.RunX64("runtime", common), "x64 runtime --mqtt");
            string arm = Expect0(_edge.RunArm64(common), "arm64 runtime --mqtt under qemu");
            Assert.Equal(RuntimeOutput.ReturnRow(x64), RuntimeOutput.ReturnRow(arm));
        }
        finally
        {
            if (!rig.HasExited) rig.Kill();
        }
    }

    private static string Expect0((int Code, string Output) r, string what)
    {
        Assert.True(r.Code == 0, $"{what} exited {r.Code}:\n{r.Output}");
        return r.Output;
    }

    private static double[] Returns(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        return doc.RootElement.GetProperty("returns").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }
}
