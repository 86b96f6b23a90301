using System.Diagnostics;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Mqtt.Tests;

/// <summary>The commands as a user types them, each its own process, on one broker.</summary>
public sealed class CommandLineTests
{
    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";

    private static string Dll(string folder, string name) => Path.Combine(TestFiles.RepoRoot, folder, "bin", Configuration, "net10.0", name + ".dll");

    private static Process Start(string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {dll}");
    }

    private static (int Code, string Output) Run(string dll, params string[] args)
    {
        using Process p = Start(dll, args);
        Task<string> o = p.StandardOutput.ReadToEndAsync(), e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', args)} did not finish in 60 s"); }
        return (p.ExitCode, o.GetAwaiter().GetResult() + e.GetAwaiter().GetResult());
    }

    [Fact]
    public void Rig_emulator_runtime_collector_and_policy_publisher_work_together_from_the_command_line()
    {
        string dir = TestFiles.NewTempDir();
        string v1 = TestFiles.ExportPolicy(dir, version: 1, name: "v1");
        string v2 = TestFiles.ExportPolicy(dir, version: 2, seed: 9, name: "v2");
        using var broker = MosquittoBroker.Start();
        string url = broker.Url;
        using Process rig = Start(Dll("hardware/emulator", "rig-emulator"), "--mqtt", url, "--rig-id", "rig-01", "--rig", TestFiles.DirectDriveRig, "--lockstep");
        using Process collector = Start(Dll("trainer/cli", "trainer"), "collect", "--mqtt", url, "--into", Path.Combine(dir, "field.db"), "--duration", "30", "--client-id", "cli-collector");
        try
        {
            Thread.Sleep(1500); // both connected and subscribed
            var keygen = Run(Dll("exporter/cli", "exporter"), "keygen", "--out", Path.Combine(dir, "fleet"));
            Assert.True(keygen.Code == 0, keygen.Output);
            var publish = Run(Dll("exporter/cli", "exporter"), "publish", "--mqtt", url, "--key", Path.Combine(dir, "fleet.pem"), v2);
            Assert.True(publish.Code == 0, publish.Output);
            Assert.Contains("published policy version 2", publish.Output);

            var runtime = Run(Dll("runtime/cli", "runtime"), "--model", v1, "--mqtt", url, "--rig-id", "rig-01", "--episodes", "3",
                "--log", Path.Combine(dir, "local.db"), "--publish-trajectories", "--follow-policy", "--trust", Path.Combine(dir, "fleet.pub.pem"));
            Assert.True(runtime.Code == 0, runtime.Output);
            Assert.Contains("switched to policy version 2", runtime.Output);
            Assert.Contains("600", runtime.Output); // steps

            var unsigned = Run(Dll("runtime/cli", "runtime"), "--model", v1, "--mqtt", url, "--rig-id", "rig-01", "--follow-policy");
            Assert.Equal(2, unsigned.Code);
            Assert.Contains("--trust", unsigned.Output);
        }
        finally
        {
            rig.Kill(true);
            collector.Kill(true);
            collector.WaitForExit(5000);
        }
        using var field = TrajectoryReader.Open(Path.Combine(dir, "field.db"));
        using var local = TrajectoryReader.Open(Path.Combine(dir, "local.db"));
        Assert.Equal(600, local.CountSteps());
        Assert.Equal(local.CountSteps(), field.CountSteps());
    }

    [Fact]
    public void Publishing_with_no_broker_exits_3_within_the_timeout_and_says_what_to_check()
    {
        string dir = TestFiles.NewTempDir();
        string model = TestFiles.ExportPolicy(dir, version: 1, name: "v1");
        var keygen = Run(Dll("exporter/cli", "exporter"), "keygen", "--out", Path.Combine(dir, "k"));
        Assert.True(keygen.Code == 0, keygen.Output);
        var clock = Stopwatch.StartNew();
        var publish = Run(Dll("exporter/cli", "exporter"), "publish", "--mqtt", $"mqtt://127.0.0.1:{MosquittoBroker.FreePort()}",
            "--key", Path.Combine(dir, "k.pem"), "--timeout", "1", model);
        Assert.True(publish.Code == 3, publish.Output); // the broker's fault, not the model's (1) or the arguments' (2)
        Assert.Contains("No answer from the MQTT broker", publish.Output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed.TotalSeconds:F1} s with --timeout 1");

        var badKey = Run(Dll("exporter/cli", "exporter"), "publish", "--mqtt", "mqtt://127.0.0.1:1", "--key", Path.Combine(dir, "missing.pem"), model);
        Assert.Equal(2, badKey.Code);
    }

    [Fact]
    public void Runtime_on_a_broker_names_the_rig_with_rig_id_and_refuses_a_rig_file_in_its_place()
    {
        string dir = TestFiles.NewTempDir();
        string model = TestFiles.ExportPolicy(dir, version: 1, name: "v1");
        string url = $"mqtt://127.0.0.1:{MosquittoBroker.FreePort()}";

        var rigFile = Run(Dll("runtime/cli", "runtime"), "--model", model, "--mqtt", url, "--rig", TestFiles.DirectDriveRig);
        Assert.True(rigFile.Code == 2, rigFile.Output);
        Assert.Contains("names a rig file to simulate; with --mqtt name the rig on the broker with --rig-id", rigFile.Output);

        var none = Run(Dll("runtime/cli", "runtime"), "--model", model, "--mqtt", url);
        Assert.True(none.Code == 2, none.Output);
        Assert.Contains("--mqtt needs --rig-id ID", none.Output);
    }
}
