using System.Diagnostics;
using System.Globalization;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Gpu.Device;
using TrpoEdge.Trainer.Gpu.Engines;
using TrpoEdge.Trainer.Gpu.Envs;
using TrpoEdge.Trainer.Gpu.Training;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Bench;

/// <summary>`bench gpu`: end-to-end TRPO training throughput on Pendulum-v1 with every update on the GPU, at 1k, 4k, 16k
/// and 64k environments, beside the CPU engine at its best measured setting (the shipped config) in the same run; then
/// the wall time from process start until a 100-episode deterministic evaluation reaches −200, on the GPU and on the
/// CPU. Run it where a GPU is lent (scripts/pack-gpu-bench.sh packs it); `--device cpu-sim` runs the same code on ILGPU's
/// CPU simulator at toy sizes, to check the bench itself on a machine without a GPU.</summary>
public static class GpuBench
{
    private static readonly DateTime ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public static int Run(string[] args)
    {
        string deviceText = Arg(args, "--device", "cuda:0");
        int[] envCounts = Arg(args, "--envs", "1024,4096,16384,65536").Split(',').Select(int.Parse).ToArray();
        int stepsPerEnv = int.Parse(Arg(args, "--steps-per-env", "32"), CultureInfo.InvariantCulture);
        int updates = int.Parse(Arg(args, "--updates", "6"), CultureInfo.InvariantCulture);
        int solveEnvs = int.Parse(Arg(args, "--solve-envs", "1024"), CultureInfo.InvariantCulture);
        int solveSteps = int.Parse(Arg(args, "--solve-steps", "200"), CultureInfo.InvariantCulture);
        double solveBudget = double.Parse(Arg(args, "--solve-seconds", "120"), CultureInfo.InvariantCulture);
        bool skipCpu = args.Contains("--no-cpu");

        using GpuDevice device = deviceText == "cpu-sim" ? GpuDevice.OpenCpuSimulator() : GpuDevice.OpenCuda(DeviceSpec.Parse(deviceText).Ordinal);
        Console.WriteLine($"device: {device.Name} ({(device.IsCuda ? deviceText : "ILGPU CPU simulator: correctness only, not a GPU figure")}); CUDA devices seen: {string.Join("; ", GpuDevice.ListCuda().DefaultIfEmpty("none"))}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs, {Environment.OSVersion}");
        if (!args.Contains("--no-check") && !GpuCheck.Run(device))
        {
            Console.WriteLine("The device does not reproduce the CPU's results within tolerance: figures below would be of a wrong computation. Stopping.");
            return 1;
        }
        foreach (int envs in envCounts)
        {
            using var batch = new DeviceEnvBatch(device, "Pendulum-v1", envs);
            batch.Reset(1);
            batch.StepDeviceOnly(0.5f, 20);
            device.Synchronize();
            var clock = Stopwatch.StartNew();
            batch.StepDeviceOnly(0.5f, 200);
            device.Synchronize();
            Console.WriteLine($"Pendulum-v1 kernel alone, {envs,6} envs: {envs * 200 / clock.Elapsed.TotalSeconds,16:N0} env steps/s");
        }

        TrainingOptions shipped = Shipped("Pendulum-v1");
        double cpuSps = skipCpu ? double.NaN : CpuThroughput(shipped, 12);
        Console.WriteLine();
        Console.WriteLine($"TRPO end-to-end on Pendulum-v1, hidden [{string.Join(", ", shipped.Hidden)}], {shipped.Trpo.CgIterations} CG iterations, {shipped.Trpo.CriticEpochs} critic epochs; GPU rollouts {stepsPerEnv} steps per env, critic minibatch = batch/16");
        Console.WriteLine($"{"envs",8}{"batch",11}{"GPU steps/s",16}{"collect ms",12}{"GAE ms",9}{"policy ms",11}{"critic ms",11}{"CPU engine steps/s",21}{"GPU/CPU",9}");
        foreach (int envs in envCounts)
        {
            var (sps, phases) = GpuThroughput(device, shipped, envs, stepsPerEnv, updates);
            Console.WriteLine($"{envs,8}{envs * stepsPerEnv,11:N0}{sps,16:N0}{phases.Collect * 1e3,12:F1}{phases.Advantages * 1e3,9:F1}{phases.PolicyStep * 1e3,11:F1}{phases.Critic * 1e3,11:F1}{cpuSps,21:N0}{sps / cpuSps,9:F1}");
        }
        Console.WriteLine($"(CPU engine: the shipped config, {shipped.NumEnvs} envs × {shipped.StepsPerEnv} steps, its best measured setting; goal on the GPU: ≥ 10,000,000 steps/s)");

        Console.WriteLine();
        double gpuSeconds = TimeToSolve(device, shipped with { NumEnvs = solveEnvs, StepsPerEnv = solveSteps, Trpo = shipped.Trpo with { CriticBatchSize = Math.Min(solveEnvs * solveSteps, Math.Max(128, solveEnvs * solveSteps / 16)) } }, solveBudget, out long gpuSteps);
        Console.WriteLine($"GPU: {(double.IsNaN(gpuSeconds) ? "not solved" : $"{gpuSeconds:F1} s")} from process start to a 100-episode deterministic return ≥ −200 ({gpuSteps:N0} steps, {solveEnvs} envs × {solveSteps}); goal ≤ 10 s");
        if (!skipCpu)
        {
            var cpuClock = Stopwatch.StartNew();
            double cpuSolve = TimeToSolve(null, shipped, solveBudget, out long cpuSteps);
            Console.WriteLine($"CPU engine: {(double.IsNaN(cpuSolve) ? "not solved" : $"{cpuClock.Elapsed.TotalSeconds:F1} s")} of training and evaluation to the same criterion ({cpuSteps:N0} steps, shipped config)");
        }
        return 0;
    }

    private static (double StepsPerSecond, PhaseTimes Mean) GpuThroughput(GpuDevice device, TrainingOptions shipped, int envs, int stepsPerEnv, int updates)
    {
        int batch = envs * stepsPerEnv;
        TrainingOptions o = shipped with
        {
            NumEnvs = envs, StepsPerEnv = stepsPerEnv, TotalSteps = (long)updates * batch, EvalEvery = 0, CheckpointEvery = 0, FinalEvalEpisodes = 1,
            Trpo = shipped.Trpo with { CriticBatchSize = Math.Min(batch, Math.Max(128, batch / 16)) },
        };
        Agent agent = NewAgent(o, new GpuEngineProvider(device));
        var run = new GpuTrainingRun(agent, device, Path.Combine(Path.GetTempPath(), "trpoedge-bench-gpu"));
        var phases = new List<PhaseTimes>();
        run.Updated += r => phases.Add(r.Phases);
        run.Run(CancellationToken.None);
        // The first update compiles the kernels and grows the buffers: not steady state.
        var steady = phases.Skip(1).DefaultIfEmpty(phases[0]).ToList();
        double total = steady.Sum(p => p.Total);
        var mean = new PhaseTimes(steady.Average(p => p.Collect), steady.Average(p => p.Advantages), steady.Average(p => p.PolicyStep), steady.Average(p => p.Critic));
        return (steady.Count * (double)batch / total, mean);
    }

    private static double CpuThroughput(TrainingOptions shipped, int updates)
    {
        TrainingOptions o = shipped with { TotalSteps = (long)updates * shipped.BatchSize, EvalEvery = 0, CheckpointEvery = 0, FinalEvalEpisodes = 1 };
        Agent agent = NewAgent(o, null);
        var run = new TrainingRun(agent, () => EnvRegistry.Make(o.EnvId), Path.Combine(Path.GetTempPath(), "trpoedge-bench-gpu-cpu"));
        var phases = new List<PhaseTimes>();
        run.Updated += r => phases.Add(r.Phases);
        run.Run(CancellationToken.None);
        var steady = phases.Skip(Math.Min(4, phases.Count / 3)).ToList();
        return steady.Count * (double)o.BatchSize / steady.Sum(p => p.Total);
    }

    /// <summary>Trains until a 10-episode evaluation (every update) reaches −200 and the 100-episode final evaluation
    /// confirms it; returns seconds since process start (NaN past the budget).</summary>
    private static double TimeToSolve(GpuDevice? device, TrainingOptions shipped, double budgetSeconds, out long steps)
    {
        TrainingOptions o = shipped with { EvalEvery = 1, EvalEpisodes = 10, FinalEvalEpisodes = 100, CheckpointEvery = 0, StopAtReturn = -200, TotalSteps = 50_000_000 };
        Agent agent = NewAgent(o, device is null ? null : new GpuEngineProvider(device));
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-bench-solve");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < budgetSeconds)
        {
            ITrainingLoop run = device is null
                ? new TrainingRun(agent, () => EnvRegistry.Make(o.EnvId), dir)
                : new GpuTrainingRun(agent, device, dir);
            using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, budgetSeconds - clock.Elapsed.TotalSeconds)));
            TrainingResult result = run.Run(budget.Token);
            steps = agent.TotalSteps;
            if (result.FinalReturnMean >= -200) return (DateTime.UtcNow - ProcessStart).TotalSeconds;
        }
        steps = agent.TotalSteps;
        return double.NaN;
    }

    private static Agent NewAgent(TrainingOptions o, GpuEngineProvider? engines)
    {
        IEnv probe = EnvRegistry.Make(o.EnvId);
        return Agent.Create(o, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod, engines);
    }

    private static TrainingOptions Shipped(string envId)
    {
        // The shipped config sits next to the source tree's trainer, or next to a published bench (configs/).
        foreach (string dir in new[] { Path.Combine(AppContext.BaseDirectory, "configs"), Path.Combine(RepoRoot(), "trainer", "configs") })
        {
            string path = Path.Combine(dir, envId + ".yml");
            if (File.Exists(path)) return TrainingConfig.Load(path, envId, new TrainingOptions { EnvId = envId });
        }
        throw new FileNotFoundException($"The shipped config {envId}.yml was found neither in configs/ next to the bench nor in trainer/configs/.");
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TrpoEdge.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
