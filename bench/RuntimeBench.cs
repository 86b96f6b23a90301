using System.Diagnostics;
using System.Globalization;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Exporter;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Inference;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Bench;

/// <summary><c>bench runtime [runs] [loopSeconds] [repeats]</c>: the runtime's hot path, each against a baseline measured in
/// the same run. (1) ONNX Runtime Run latency of an exported [64,64] tanh Pendulum policy at batch 1, p50/p99 over
/// individually timed runs, vs the exporter's managed reference forward of the same weights; managed bytes per Run
/// and per PolicySession.Act (goal 0). (2) Managed bytes per control step of the whole loop (policy + safety + sim
/// plant + trajectory writer) by differencing a long and a short run. (3) A 1 kHz paced loop's jitter for each pacing
/// mode, <c>repeats</c> runs of <c>loopSeconds</c> each, without and with a CPU hog (<see cref="LoopJitterBench"/>).</summary>
public static class RuntimeBench
{
    public static int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        double loopSeconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        int repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        Console.WriteLine($"runtime bench: ONNX Runtime {OnnxRuntimeEnvironment.Version} (Microsoft.ML.OnnxRuntime), "
            + $"{Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, {runs:N0} timed runs, {loopSeconds} s loops");
        Console.WriteLine($"machine load: {LoadAverage()} (a shared machine inflates tails; compare ratios)");

        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-runtime-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            PolicyCheckpoint ckpt = Checkpoint([64, 64]);
            string ckptPath = Path.Combine(dir, "policy.safetensors");
            string model = Path.Combine(dir, "policy.onnx");
            ckpt.Save(ckptPath);
            PolicyExporter.Export(ckptPath, model);
            Inference(ckpt, model, runs);
            LoopAllocation(model, dir);
            Jitter(model, loopSeconds, repeats);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
        return 0;
    }

    private static void Inference(PolicyCheckpoint ckpt, string model, int runs)
    {
        Console.WriteLine();
        Console.WriteLine($"{"inference, [64,64] tanh, batch 1",-52} {"p50 µs",9} {"p99 µs",9} {"mean µs",9} {"B/op",7} {"p50 vs base",12}");
        var reference = new PolicyReferenceForward(ckpt);
        var head = new float[1];
        float[] obs = [0.3f, -0.9f, 1.7f];
        var h = Measure(runs, i => { obs[2] = (i & 15) * 0.1f; reference.Head(obs, head); }, out double refBytes);
        double baseP50 = h.Percentile(0.5);
        Row("baseline: managed reference forward (exporter)", h, refBytes, baseP50);

        using var session = OnnxModel.FromFile(model);
        using (var runner = new PolicyRunner(session, 1, 3, 1, discrete: false, withDistribution: false))
        {
            h = Measure(runs, i => { runner.Observations[2] = (i & 15) * 0.1f; runner.Run(); }, out double b);
            Row("ORT Run (action only)", h, b, baseP50);
        }
        using (var runner = new PolicyRunner(session, 1, 3, 1, discrete: false, withDistribution: true))
        {
            h = Measure(runs, i => { runner.Observations[2] = (i & 15) * 0.1f; runner.Run(); }, out double b);
            Row("ORT Run (action, mean, log_std)", h, b, baseP50);
        }
        var plant = new PlantDescription("Pendulum-v1", ckpt.ObservationSpace, ckpt.ActionSpace, 0.05);
        var action = new float[1];
        foreach (PolicyMode mode in new[] { PolicyMode.Deterministic, PolicyMode.Explore })
        {
            using var policy = PolicySession.Open(model, plant, new PolicySessionOptions { Mode = mode, Seed = 1 });
            h = Measure(runs, i => { obs[2] = (i & 15) * 0.1f; policy.Act(obs, action); }, out double b);
            Row($"PolicySession.Act ({mode.ToString().ToLowerInvariant()})", h, b, baseP50);
        }
        Console.WriteLine($"goal: ORT p99 < 10 µs; managed bytes per Run 0");
    }

    private static void LoopAllocation(string model, string dir)
    {
        Console.WriteLine();
        using var plant = SimulatedPlant.Create(new SimulatedPlantOptions { EnvId = "Pendulum-v1" });
        var description = new PlantDescription(plant.EnvId, plant.ObservationSpace, plant.ActionSpace, plant.ControlPeriod);
        using var policy = PolicySession.Open(model, description, new PolicySessionOptions { Mode = PolicyMode.Explore, Seed = 3 });
        foreach (bool withLog in new[] { false, true })
        {
            string db = Path.Combine(dir, $"loop-{withLog}.db");
            using TrajectoryWriter? log = withLog ? TrajectoryWriter.Open(db, new RunInfo
            {
                EnvId = plant.EnvId, ObservationSpace = plant.ObservationSpace, ActionSpace = plant.ActionSpace,
            }) : null;
            var loop = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 2 }, log);
            loop.Run(); // warm-up: JIT, type initialisation
            var clock = Stopwatch.StartNew();
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            RunSummary shortRun = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 2 }, log).Run();
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            RunSummary longRun = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 52 }, log).Run();
            long a2 = GC.GetAllocatedBytesForCurrentThread();
            clock.Stop();
            // The per-run cost (histograms, result list) cancels; what remains is per step (and per episode: one result row).
            double perStep = ((a2 - a1) - (double)(a1 - a0)) / (longRun.TotalSteps - shortRun.TotalSteps);
            Console.WriteLine($"control step, sim Pendulum-v1, explore{(withLog ? " + trajectory log" : ""),-18}: "
                + $"{perStep:F2} managed B/step (incl. one EpisodeResult per 200 steps), "
                + $"{(shortRun.TotalSteps + longRun.TotalSteps) / clock.Elapsed.TotalSeconds:N0} steps/s free-running, "
                + $"inference p99 {longRun.Latency.Percentile(0.99) / 1000:F1} µs");
        }
    }

    private static void Jitter(string model, double seconds, int repeats)
    {
        using var plant = SimulatedPlant.Create(new SimulatedPlantOptions { EnvId = "Pendulum-v1" });
        var description = new PlantDescription(plant.EnvId, plant.ObservationSpace, plant.ActionSpace, 0.001);
        using var policy = PolicySession.Open(model, description, new PolicySessionOptions { AllowOtherEnv = true });
        LoopJitterBench.Run(plant, policy, seconds, repeats);
    }

    private static LatencyHistogram Measure(int runs, Action<int> op, out double bytesPerOp)
    {
        for (int i = 0; i < Math.Min(runs, 20_000); i++) op(i);
        var h = new LatencyHistogram();
        double toNs = 1e9 / Stopwatch.Frequency;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            op(i);
            h.Record((long)((Stopwatch.GetTimestamp() - t0) * toNs));
        }
        bytesPerOp = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)runs;
        return h;
    }

    private static void Row(string name, LatencyHistogram h, double bytes, double baseP50) =>
        Console.WriteLine($"{name,-52} {h.Percentile(0.5) / 1000,9:F2} {h.Percentile(0.99) / 1000,9:F2} {h.Mean / 1000,9:F2} {bytes,7:F1} {h.Percentile(0.5) / baseP50,11:F2}x");

    private static string LoadAverage()
    {
        try { return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a"; }
        catch (IOException) { return "n/a"; }
    }

    internal static PolicyCheckpoint Checkpoint(int[] hidden)
    {
        var rng = new Pcg64(42);
        List<DenseLayer> Layers()
        {
            var layers = new List<DenseLayer>();
            int prev = 3;
            foreach (int n in hidden.Append(1))
            {
                var w = new float[n * prev];
                for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextGaussian() / Math.Sqrt(prev));
                layers.Add(new DenseLayer(prev, n, w, new float[n]));
                prev = n;
            }
            return layers;
        }
        return new PolicyCheckpoint
        {
            EnvId = "Pendulum-v1",
            ObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
            ActionSpace = SpaceSpec.Box([-2], [2]),
            ControlPeriod = 0.05,
            Hidden = hidden,
            PolicyLayers = Layers(),
            ValueLayers = Layers(),
            LogStd = [-0.5f],
            ObsNorm = new ObservationNormState([0, 0, 0], [1, 1, 1], 1, 10f, 1e-8f),
            PolicyVersion = 1,
        };
    }
}
