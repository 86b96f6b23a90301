using System.Diagnostics;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Bench;

/// <summary>Part of <c>bench runtime</c>: each pacing mode of the control loop <c>repeats</c> times for
/// <c>seconds</c> at 1 kHz, without and with a CPU hog (a busy shell loop pinned to CPU 0; the real-time mode
/// pins the loop to the last CPU), the modes interleaved run by run so a change in the machine's load falls on
/// all of them alike. Per mode: the median and the worst of the runs' jitter p99, how many runs stayed under
/// 100 µs, deadline misses, the worst single lateness. Variance, not one lucky run.</summary>
internal static class LoopJitterBench
{
    private sealed record Mode(string Name, ControlLoopOptions Options);

    public static void Run(IPlant plant, IPolicySession policy, double seconds, int repeats)
    {
        int lastCpu = Environment.ProcessorCount - 1;
        Mode[] modes =
        [
            new("sleep + spin last 20 % (default)", new() { Pacing = LoopPacing.SleepThenSpin, SpinFraction = 0.2 }),
            new("nanosleep only (relative)", new() { Pacing = LoopPacing.SleepThenSpin, SpinFraction = 0 }),
            new("spin whole period", new() { Pacing = LoopPacing.SleepThenSpin, SpinFraction = 1 }),
            new("clock_nanosleep absolute", new() { Pacing = LoopPacing.AbsoluteSleep, SpinFraction = 0 }),
            new("timerfd absolute", new() { Pacing = LoopPacing.TimerFd, SpinFraction = 0 }),
            new($"--realtime --cpu {lastCpu} (FIFO 80, abs + spin 20 %)", new() { Realtime = new RealtimeOptions(), Cpu = lastCpu, SpinFraction = 0.2 }),
        ];
        int episodes = Math.Max(1, (int)Math.Round(seconds * 1000 / 200)); // Pendulum-v1 episodes are 200 steps
        Console.WriteLine();
        Console.WriteLine($"1 kHz loop: {modes.Length} pacing modes x {repeats} runs x {seconds} s, without and with a CPU hog on CPU 0; load {LoadAverage()}");

        // Warm-up: JIT and first-touch of every path, not measured.
        foreach (Mode m in modes) new ControlLoop(plant, policy, m.Options with { RateHz = 1000, Episodes = 1, MaxStepsPerEpisode = 100 }).Run();

        foreach (bool hog in new[] { false, true })
        {
            var p99 = modes.ToDictionary(m => m, _ => new List<double>());
            var misses = modes.ToDictionary(m => m, _ => 0L);
            var worst = modes.ToDictionary(m => m, _ => 0.0);
            LoopScheduling? realtime = null;
            using (Process? hogProcess = hog ? StartHog() : null)
            {
                for (int r = 0; r < repeats; r++)
                {
                    foreach (Mode m in modes)
                    {
                        RunSummary s = new ControlLoop(plant, policy, m.Options with { RateHz = 1000, Episodes = episodes }).Run();
                        p99[m].Add(s.Jitter.Percentile(0.99) / 1000.0);
                        misses[m] += s.DeadlineMisses;
                        worst[m] = Math.Max(worst[m], s.Jitter.Max / 1000.0);
                        if (m.Options.Realtime is not null) realtime = s.Scheduling;
                    }
                }
                if (hogProcess is { HasExited: false }) { hogProcess.Kill(); hogProcess.WaitForExit(5000); }
            }
            Console.WriteLine();
            Console.WriteLine($"{(hog ? "with a CPU hog on CPU 0" : "no hog"),-48} {"median p99",11} {"worst p99",10} {"p99<100µs",10} {"misses",7} {"worst max",10}");
            foreach (Mode m in modes)
            {
                List<double> v = p99[m];
                v.Sort();
                double median = v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
                Console.WriteLine($"{m.Name,-48} {median,8:F1} µs {v[^1],7:F1} µs {v.Count(x => x < 100),6}/{v.Count,-3} {misses[m],7} {worst[m] / 1000.0,7:F2} ms");
            }
            if (realtime is not null) Console.WriteLine($"real-time mode ran: {realtime}{(realtime.Refusal is { } why ? " — " + why : "")}");
        }
        Console.WriteLine("goal with --realtime: p99 < 100 µs in at least 9 of 10 runs, with and without the hog, no deadline misses");
    }

    /// <summary>A busy loop in a separate process, pinned to CPU 0 (the other core on a 2-core machine).</summary>
    private static unsafe Process? StartHog()
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("while :; do :; done");
        Process p = Process.Start(psi)!;
        if (OperatingSystem.IsLinux())
        {
            byte* mask = stackalloc byte[LinuxRealtimeNative.CpuSetBytes];
            new Span<byte>(mask, LinuxRealtimeNative.CpuSetBytes).Clear();
            mask[0] = 1;
            LinuxRealtimeNative.SchedSetAffinity(p.Id, LinuxRealtimeNative.CpuSetBytes, mask);
        }
        return p;
    }

    private static string LoadAverage()
    {
        try { return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a"; }
        catch (IOException) { return "n/a"; }
    }
}
