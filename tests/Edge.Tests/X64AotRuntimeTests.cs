using System.Diagnostics;
using System.Globalization;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Emulator;
using TrpoEdge.Sim;

namespace TrpoEdge.Edge.Tests;

/// <summary>The linux-x64 NativeAOT runtime, as a board (or a systemd service) runs it: over MQTT against a real
/// mosquitto broker and the rig emulator, and stopped by SIGTERM mid-run on a serial rig.</summary>
[Collection(EdgeCollection.Name)]
public sealed class X64AotRuntimeTests : IDisposable
{
    private readonly EdgeBuild _edge;
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-edge-x64-").FullName;
    private readonly string _rig;

    public X64AotRuntimeTests(EdgeBuild edge)
    {
        _edge = edge;
        _rig = Path.Combine(edge.Root, "hardware", "rigs", "direct-drive.yaml");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>MQTTnet, the protobuf payloads, the trajectory publisher and the signed-policy follower are the
    /// runtime's most reflection-prone parts: the NativeAOT binary must do under AOT what the JIT build does.</summary>
    [Fact]
    public void Mqtt_under_NativeAOT_plays_the_rig_as_the_jit_build_does_publishes_its_steps_and_follows_a_signed_policy()
    {
        string sim = _edge.RigPolicy;
        string v1 = Path.Combine(sim, "policy.onnx");

        using var broker = Mosquitto.Start(_dir);
        using Process rig = StartDotnet(Path.Combine(AppContext.BaseDirectory, "rig-emulator.dll"), "--mqtt", broker.Url, "--rig-id", "rig-01", "--rig", _rig, "--lockstep");
        string field = Path.Combine(_dir, "field.db");
        using Process collector = StartDotnet(Path.Combine(_edge.Root, "trainer", "cli", "bin", "Release", "net10.0", "trainer.dll"),
            "collect", "--mqtt", broker.Url, "--into", field, "--duration", "120", "--client-id", "edge-collector");
        try
        {
            Assert.NotNull(rig.StandardOutput.ReadLine()); // the banner: connected, serving rig-01
            Thread.Sleep(1500); // the collector connected and subscribed

            // Deterministic: the same returns as the JIT build on the same seeds.
            string[] common = ["--model", v1, "--mqtt", broker.Url, "--rig-id", "rig-01", "--episodes", "2", "--seed", "5"];
            string jit = Expect0(_edge.RunX64("runtime", common), "x64 JIT runtime --mqtt");
            string aot = Expect0(_edge.RunX64Aot(common), "x64 NativeAOT runtime --mqtt");
            Assert.Equal(RuntimeOutput.ReturnRow(jit), RuntimeOutput.ReturnRow(aot));

            // Exploring, logged and streamed to the broker at QoS 1.
            string db = Path.Combine(_dir, "aot.db");
            string logged = Expect0(_edge.RunX64Aot([.. common, "--explore", "--log", db, "--publish-trajectories"]), "NativeAOT runtime --publish-trajectories");
            Assert.Matches(@"trajectory batches\W+(\d+) published, \1 acknowledged", RuntimeOutput.Collapse(logged)); // by `trainer collect`
            using (TrajectoryReader reader = TrajectoryReader.Open(db))
            {
                Assert.Equal(400, reader.CountSteps());
                Assert.All(reader.ReadEpisodes(), e => Assert.Equal(EpisodeStatus.Complete, e.Status));
            }

            // A newer policy, signed and published retained; the NativeAOT runtime verifies the ECDSA signature and switches.
            Expect0(_edge.RunX64("trainer", "retrain", "--checkpoint", Path.Combine(sim, "ckpt.safetensors"), "--from", db,
                "--out", Path.Combine(_dir, "v2"), "--updates", "1", "--seed", "1"), "trainer retrain");
            string v2 = Path.Combine(_dir, "v2.onnx");
            Expect0(_edge.RunX64("exporter", "--checkpoint", Path.Combine(_dir, "v2", "ckpt.safetensors"), "--onnx", v2), "exporter --onnx");
            Expect0(_edge.RunX64("exporter", "keygen", "--out", Path.Combine(_dir, "fleet")), "exporter keygen");
            Expect0(_edge.RunX64("exporter", "publish", "--mqtt", broker.Url, "--key", Path.Combine(_dir, "fleet.pem"), v2), "exporter publish");
            string followed = Expect0(_edge.RunX64Aot([.. common, "--follow-policy", "--trust", Path.Combine(_dir, "fleet.pub.pem")]), "NativeAOT runtime --follow-policy");
            Assert.Contains("switched to policy version", followed);
            Assert.Contains("1 switch(es), 0 refused", RuntimeOutput.Collapse(followed));
        }
        finally
        {
            if (!rig.HasExited) rig.Kill();
            if (!collector.HasExited) collector.Kill();
            collector.WaitForExit(5000);
        }
        using TrajectoryReader collected = TrajectoryReader.Open(field);
        Assert.Equal(400, collected.CountSteps()); // what the NativeAOT runtime streamed, as the x64 collector stored it
    }

    /// <summary>The shipped systemd unit's command line, run for real: the NativeAOT binary with the unit's ExecStart
    /// options (model, port and store swapped for the test's) drives a rig on a pty until SIGTERM — what systemd sends
    /// on stop. The runtime must zero the actuator itself (a STOP to the rig, not the rig's watchdog), close its store
    /// and exit 130, which the unit counts as success.</summary>
    [Fact]
    public void The_systemd_units_command_line_drives_a_rig_and_sigterm_zeroes_it_closes_the_store_and_exits_130()
    {
        string sim = _edge.RigPolicy;
        var emulator = new RigEmulator(RigSpec.Load(_rig)); // real time: one step per control period, as a rig
        using var pty = PseudoTerminal.Open();
        using var stop = new CancellationTokenSource();
        var serve = new Thread(() => emulator.Run(pty, stop.Token)) { IsBackground = true, Name = "rig-emulator" };
        serve.Start();
        string db = Path.Combine(_dir, "term.db");
        List<string> args = UnitExecStart(out string unitText);
        Assert.Equal("/opt/trpoedge/runtime", args[0]);
        Replace(args, "--model", Path.Combine(sim, "policy.onnx"));
        Replace(args, "--port", pty.SlavePath);
        Replace(args, "--log", db);
        Assert.Contains("SuccessExitStatus=130", unitText);
        if (Environment.ProcessorCount < 2) Replace(args, "--cpu", "0"); // the unit pins the loop to CPU 1
        var psi = new ProcessStartInfo(_edge.X64Runtime) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        using Process runtime = Process.Start(psi)!;
        Task<string> stdout = runtime.StandardOutput.ReadToEndAsync(), stderr = runtime.StandardError.ReadToEndAsync();
        try
        {
            var wait = Stopwatch.StartNew();
            bool moved = false;
            while (wait.Elapsed < TimeSpan.FromSeconds(30) && !runtime.HasExited && !(moved && emulator.Stats.ActionsApplied >= 10))
            {
                moved |= emulator.AppliedCommand != 0f;
                Thread.Sleep(5);
            }
            Assert.True(moved && emulator.IsActive && !runtime.HasExited, $"the runtime never drove the rig ({emulator.Stats}; exited: {runtime.HasExited})");

            using (Process kill = Process.Start("kill", ["-TERM", runtime.Id.ToString(CultureInfo.InvariantCulture)])!) kill.WaitForExit();
            Assert.True(runtime.WaitForExit(10_000), "the runtime did not exit within 10 s of SIGTERM");
            string output = Finished(stdout) + Finished(stderr);
            Assert.True(runtime.ExitCode == 130, $"exit {runtime.ExitCode}:\n{output}");
            Assert.Equal(0f, emulator.AppliedCommand);
            Assert.False(emulator.IsActive, "the rig's session is still active: no STOP came");
            Assert.False(emulator.WatchdogTripped, "the rig's watchdog zeroed the motor, not the runtime");

            // The store was closed cleanly: it opens, and holds the episode SIGTERM cut short. Its steps are kept unless
            // the rig reported a command it did not apply, after which the runtime keeps only the steps before it (the
            // summary says so); a rig on the same loaded machine can miss the first one.
            using TrajectoryReader reader = TrajectoryReader.Open(db);
            EpisodeData episode = Assert.Single(reader.ReadEpisodes());
            if (output.Contains("did not apply", StringComparison.Ordinal))
                Assert.Contains($"the log keeps the {reader.CountSteps()} steps before it", output);
            else
                Assert.True(episode.Status == EpisodeStatus.Complete && reader.CountSteps() >= 10, $"{episode.Status}, {reader.CountSteps()} steps:\n{output}");
        }
        finally
        {
            if (!runtime.HasExited) runtime.Kill();
            stop.Cancel();
            serve.Join(5000);
        }
    }

    /// <summary>systemd's own check of the shipped unit (its ExecStart pointed at an existing program, since the
    /// runtime is not installed in /opt here): no errors, no warnings.</summary>
    [Fact]
    public void The_shipped_systemd_unit_passes_systemd_analyze_verify()
    {
        const string analyze = "/usr/bin/systemd-analyze";
        if (!File.Exists(analyze)) throw new InvalidOperationException($"{analyze} is missing: install the Debian package systemd (scripts/test.sh does).");
        string unit = Path.Combine(_dir, "trpoedge-runtime.service");
        File.WriteAllText(unit, File.ReadAllText(UnitPath).Replace("ExecStart=/opt/trpoedge/runtime ", "ExecStart=/bin/true ", StringComparison.Ordinal));
        var (code, output) = EdgeBuild.Run(analyze, ["verify", "--man=no", unit], TimeSpan.FromMinutes(1));
        Assert.True(code == 0 && output.Trim().Length == 0, $"systemd-analyze verify exited {code}:\n{output}");
    }

    /// <summary>ONNX Runtime's telemetry (ORT 1.29+ outside Windows: a device id, a SQLite event cache written and
    /// fsynced under ~/.cache, an uploader) stays off in the runtime unless the user asks for ORT's default with
    /// ORT_DISABLE_TELEMETRY=0 — which here shows the cache would otherwise appear.</summary>
    [Fact]
    public void Onnx_runtime_telemetry_writes_nothing_under_home_unless_asked_for()
    {
        string model = Path.Combine(_edge.RigPolicy, "policy.onnx");
        foreach (string? choice in new[] { null, "0" })
        {
            string home = Path.Combine(_dir, $"home-{choice ?? "default"}");
            Directory.CreateDirectory(home);
            var psi = new ProcessStartInfo(_edge.X64Runtime) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { "--model", model, "--rig", _rig, "--episodes", "1" }) psi.ArgumentList.Add(a);
            psi.Environment["HOME"] = home;
            psi.Environment.Remove("XDG_CACHE_HOME");
            psi.Environment.Remove("ORT_DISABLE_TELEMETRY");
            // ONNX Runtime also keeps telemetry off where one of these says it runs under CI (the names are the ones
            // its library carries); CI itself sets some of them, and the control run below must see ORT's default.
            foreach (string ci in OrtCiVariables) psi.Environment.Remove(ci);
            if (choice is not null) psi.Environment["ORT_DISABLE_TELEMETRY"] = choice;
            using Process p = Process.Start(psi)!;
            Task<string> o = p.StandardOutput.ReadToEndAsync(), e = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(60_000), "the runtime did not finish one episode in 60 s");
            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}:\n{Finished(o)}{Finished(e)}");
            string[] written = Directory.GetFileSystemEntries(home, "*", SearchOption.AllDirectories);
            if (choice is null) Assert.True(written.Length == 0, $"the runtime left files under HOME: {string.Join(", ", written)}");
            else Assert.Contains(written, f => f.Contains(Path.Combine(".cache", "Microsoft"), StringComparison.Ordinal));
        }
    }

    private static readonly string[] OrtCiVariables =
    [
        "CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL", "CODEBUILD_BUILD_ID",
        "BUILDKITE", "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER",
    ];

    private string UnitPath => Path.Combine(_edge.Root, "hardware", "systemd", "trpoedge-runtime.service");

    /// <summary>The unit's ExecStart, continuation lines joined, split into words (it quotes nothing).</summary>
    private List<string> UnitExecStart(out string text)
    {
        text = File.ReadAllText(UnitPath);
        string joined = text.Replace("\\\n", " ", StringComparison.Ordinal);
        string line = joined.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
        return line["ExecStart=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private static void Replace(List<string> args, string option, string value)
    {
        int i = args.IndexOf(option);
        Assert.True(i > 0 && i + 1 < args.Count, $"the unit's ExecStart has no {option} VALUE");
        args[i + 1] = value;
    }

    /// <summary>The output of a process that has exited (its reader tasks are done or about to be).</summary>
    private static string Finished(Task<string> output) => output.Wait(TimeSpan.FromSeconds(10)) ? output.GetAwaiter().GetResult() : "(output not complete)";

    private static string Expect0((int Code, string Output) r, string what)
    {
        Assert.True(r.Code == 0, $"{what} exited {r.Code}:\n{r.Output}");
        return r.Output;
    }

    private static Process StartDotnet(string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        return Process.Start(psi)!;
    }
}
