using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Tests.Fakes;
using TrpoEdge.Runtime.Tests.Models;

namespace TrpoEdge.Runtime.Tests;

/// <summary>`runtime --realtime` and the loop's pacing modes, on the real kernel: SCHED_FIFO as the process is
/// allowed it, and the refusal with what to grant when it is not (capabilities dropped with setpriv, limits
/// set with prlimit — both from util-linux).</summary>
public sealed partial class RealtimeTests
{
    [LibraryImport("libc", EntryPoint = "sched_getscheduler")]
    private static partial int SchedGetScheduler(int pid);

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static unsafe partial int SchedSetScheduler(int pid, int policy, int* priority);

    /// <summary>Whether this process may use SCHED_FIFO at all, found on a throwaway thread (a container
    /// may forbid it even to root).</summary>
    private static unsafe bool FifoAllowed()
    {
        bool allowed = false;
        var t = new Thread(() => { int p = 1; allowed = SchedSetScheduler(0, 1, &p) == 0; });
        t.Start();
        t.Join();
        return allowed;
    }

    [Theory]
    [InlineData(LoopPacing.SleepThenSpin, 0.2)]
    [InlineData(LoopPacing.AbsoluteSleep, 0.0)]
    [InlineData(LoopPacing.AbsoluteSleep, 0.2)]
    [InlineData(LoopPacing.TimerFd, 0.0)]
    public void Every_pacing_mode_keeps_a_1_kHz_period_on_average(LoopPacing pacing, double spin)
    {
        if (!OperatingSystem.IsLinux()) return;
        var plant = new RecordingPlant { EpisodeLength = 300 };
        var summary = new ControlLoop(plant, new ScriptedPolicy(_ => 0f),
            new ControlLoopOptions { RateHz = 1000, Pacing = pacing, SpinFraction = spin }).Run();
        // 300 steps at 1 ms: 299 periods. Never early (the waits are absolute or re-checked); a loaded machine
        // may stretch it, but a wait that ignored the deadline would finish in a few ms or take ≥ 2× as long.
        Assert.InRange(summary.Elapsed.TotalMilliseconds, 298.5, 1500);
        Assert.Equal(300, summary.Jitter.Count);
        Assert.Equal(pacing, summary.Scheduling!.Pacing);
        Assert.Equal("SCHED_OTHER", summary.Scheduling.Policy);
        Assert.Null(summary.Scheduling.Refusal);
    }

    [Fact]
    public void Realtime_runs_the_loop_thread_sched_fifo_with_memory_locked_and_puts_the_thread_back_afterwards()
    {
        if (!OperatingSystem.IsLinux()) return;
        bool allowed = FifoAllowed();
        var plant = new RecordingPlant { EpisodeLength = 200 };
        LoopScheduling? seenAtStart = null;
        int policyDuringRun = -1;
        var loop = new ControlLoop(plant, new ScriptedPolicy(_ => { policyDuringRun = SchedGetScheduler(0) & ~0x40000000; return 0f; }),
            new ControlLoopOptions { RateHz = 1000, Realtime = new RealtimeOptions { Priority = 42 }, Cpu = 0 });
        loop.SchedulingReady = s => seenAtStart = s;
        RunSummary summary = loop.Run();

        LoopScheduling s = summary.Scheduling!;
        Assert.Same(s, seenAtStart);
        Assert.Equal(0, s.Cpu);
        Assert.Equal(LoopPacing.AbsoluteSleep, s.Pacing);
        if (allowed)
        {
            Assert.Equal("SCHED_FIFO", s.Policy);
            Assert.Equal(42, s.Priority);
            Assert.Equal(1, policyDuringRun); // SCHED_FIFO, read by the loop's own thread mid-run
            Assert.True(s.MemoryLocked, s.Refusal);
            Assert.Null(s.Refusal);
            Assert.Contains("SCHED_FIFO priority 42 on CPU 0, memory locked", s.ToString());
        }
        else
        {
            Assert.Equal("SCHED_OTHER", s.Policy);
            Assert.Contains("setcap cap_sys_nice", s.Refusal);
        }
        Assert.Equal(0, SchedGetScheduler(0) & ~0x40000000); // the caller's thread is time-shared again
        Assert.Equal(200, summary.TotalSteps);
    }

    [Fact]
    public void A_cpu_the_process_may_not_use_is_refused_before_the_run()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoopOptions { Cpu = 4095 }.Validate());
        Assert.Contains("CPU 4095 is not available", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlLoopOptions { Realtime = new RealtimeOptions { Priority = 100 } }.Validate());
    }

    [Fact]
    public void The_cli_reports_scheduling_and_jitter_percentiles_in_the_summary_and_its_json()
    {
        if (!OperatingSystem.IsLinux()) return;
        bool allowed = FifoAllowed();
        using var dir = new TempDir();
        var (_, model) = ExportedPolicies.Export(ExportedPolicies.PendulumCheckpoint(seed: 8), dir.Path);
        string json = dir.File("summary.json");
        var (code, stdout, stderr) = RuntimeCli.Run("--model", model, "--sim", "Pendulum-v1", "--episodes", "1", "--rate", "1000",
            "--realtime", "--rt-priority", "50", "--cpu", "0", "--summary-json", json);
        Assert.True(code == 0, stderr);
        Assert.Contains("jitter p50 / p99 / p99.9 / max", stdout);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement, sch = root.GetProperty("scheduling");
        Assert.Equal(allowed ? "SCHED_FIFO" : "SCHED_OTHER", sch.GetProperty("policy").GetString());
        Assert.Equal(allowed, sch.GetProperty("memory_locked").GetBoolean());
        Assert.Equal("clock_nanosleep_abstime", sch.GetProperty("pacing").GetString());
        Assert.Equal("host", root.GetProperty("paced_by").GetString());
        double p50 = root.GetProperty("jitter_p50_us").GetDouble(), p99 = root.GetProperty("jitter_p99_us").GetDouble();
        double p999 = root.GetProperty("jitter_p999_us").GetDouble(), max = root.GetProperty("jitter_max_us").GetDouble();
        Assert.True(p50 <= p99 && p99 <= p999 && p999 <= max, $"{p50} {p99} {p999} {max}");
        if (allowed) Assert.True(stdout.Contains("SCHED_FIFO priority 50 on CPU 0"), stdout);
    }

    [Fact]
    public async Task Without_the_right_realtime_says_what_to_grant_in_one_line_and_the_loop_runs_as_without_it()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/setpriv") || !File.Exists("/usr/bin/prlimit") || Environment.UserName != "root") return;
        using var dir = new TempDir();
        var (_, model) = ExportedPolicies.Export(ExportedPolicies.PendulumCheckpoint(seed: 8), dir.Path);
        string json = dir.File("summary.json");
        // A process with RLIMIT_RTPRIO 0, a small RLIMIT_MEMLOCK and neither CAP_SYS_NICE nor CAP_IPC_LOCK: an
        // ordinary user's, though we start as root.
        var psi = new ProcessStartInfo("prlimit") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "--rtprio=0:0", "--memlock=65536:65536", "setpriv", "--inh-caps=-sys_nice,-ipc_lock", "--bounding-set=-sys_nice,-ipc_lock",
                     "dotnet", "exec", RuntimeCli.DllPath, "--model", model, "--sim", "Pendulum-v1", "--episodes", "1", "--rate", "1000", "--realtime", "--summary-json", json })
            psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "runtime did not finish in 60 s");
        string err = await stderr;
        Assert.True(p.ExitCode == 0, err + await stdout);

        string[] lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string refusal = Assert.Single(lines, l => l.Contains("SCHED_FIFO priority 80 was refused"));
        Assert.Contains("RLIMIT_RTPRIO is 0 and it lacks CAP_SYS_NICE", refusal);
        Assert.Contains("setcap cap_sys_nice", refusal);
        Assert.Contains("ulimit -r", refusal);
        Assert.Contains("LimitRTPRIO", refusal);
        Assert.Contains("The loop runs time-shared", refusal);
        Assert.Contains("mlockall failed", refusal);

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = doc.RootElement;
        Assert.Equal("SCHED_OTHER", root.GetProperty("scheduling").GetProperty("policy").GetString());
        Assert.False(root.GetProperty("scheduling").GetProperty("memory_locked").GetBoolean());
        Assert.Equal(200, root.GetProperty("steps").GetInt64());
    }
}
