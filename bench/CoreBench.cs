using System.Diagnostics;
using System.Globalization;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Distributions;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Bench;

/// <summary><c>bench core [samples]</c>: the core contracts' costs, each against a baseline measured in the same run.
/// Normal deviates: Pcg64.NextGaussian vs System.Random feeding the same Box–Muller transform. Policy
/// distributions per control step (sample + log-prob): DiagGaussian and Categorical vs the same math written inline
/// in float, plus managed bytes allocated per step (must be 0). Checkpoints: PolicyCheckpoint ToBytes / Save / Load
/// vs writing and reading the same number of raw bytes.</summary>
public static class CoreBench
{
    public static int Run(string[] args)
    {
        int samples = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000_000;
        Console.WriteLine($"core bench: {samples:N0} samples, {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}");
        Console.WriteLine($"{"case",-64} {"ns/op",10} {"speed vs base",14}");

        double baseline = Best(() => RandomBoxMuller(samples));
        Print("baseline: System.Random + Box–Muller (pairs)", baseline, baseline);
        Print("Pcg64.NextGaussian", Best(() => Pcg(samples)), baseline);

        int steps = samples / 5;
        foreach (int dim in new[] { 1, 6 })
        {
            double inline = Best(() => InlineGaussianStep(steps, dim));
            Print($"baseline: inline float Gaussian sample + log-prob, dim {dim}", inline, inline);
            Print($"DiagGaussian.Sample + LogProb, dim {dim}", Best(() => DiagStep(steps, dim, out _)), inline);
        }
        DiagStep(1000, 6, out long diagBytes);
        double cat = Best(() => CategoricalStep(steps, 3, out _));
        CategoricalStep(1000, 3, out long catBytes);
        Console.WriteLine($"{"Categorical.Sample + LogProb, 3 actions",-64} {cat,10:F1}");
        Console.WriteLine($"managed bytes per step: DiagGaussian {diagBytes / 1000.0:F1}, Categorical {catBytes / 1000.0:F1}");

        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-core-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Console.WriteLine($"{"checkpoint",-44} {"bytes",12} {"ms",10} {"time vs raw",14}");
            foreach ((int[] hidden, int recorded) in new[] { (new[] { 64, 64 }, 0), (new[] { 256, 256 }, 100_000) })
                CheckpointCase(dir, hidden, recorded);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
        return 0;
    }

    private static void CheckpointCase(string dir, int[] hidden, int recorded)
    {
        PolicyCheckpoint ckpt = MakeCheckpoint(hidden, recorded);
        string path = Path.Combine(dir, "c.safetensors");
        string raw = Path.Combine(dir, "raw.bin");
        byte[] bytes = ckpt.ToBytes();
        string label = $"hidden [{string.Join(",", hidden)}], {recorded:N0} recorded obs";
        double toBytes = BestMs(() => ckpt.ToBytes());
        double rawWrite = BestMs(() =>
        {
            // A fresh file each time, as Save writes a fresh temporary file.
            File.Delete(raw);
            using var s = new FileStream(raw, FileMode.CreateNew);
            s.Write(bytes);
            s.Flush(flushToDisk: true);
        });
        double save = BestMs(() => ckpt.Save(path));
        double rawRead = BestMs(() => File.ReadAllBytes(raw));
        double load = BestMs(() => PolicyCheckpoint.Load(path));
        Console.WriteLine($"{label}");
        Console.WriteLine($"  {"ToBytes (validate + serialise)",-42} {bytes.Length,12:N0} {toBytes,10:F3}");
        Console.WriteLine($"  {"baseline: raw write to new file + fsync",-42} {bytes.Length,12:N0} {rawWrite,10:F3} {1.0,13:F2}x");
        Console.WriteLine($"  {"Save (atomic, fsync, SHA-256)",-42} {bytes.Length,12:N0} {save,10:F3} {save / rawWrite,13:F2}x");
        Console.WriteLine($"  {"baseline: File.ReadAllBytes",-42} {bytes.Length,12:N0} {rawRead,10:F3} {1.0,13:F2}x");
        Console.WriteLine($"  {"Load (parse + validate)",-42} {bytes.Length,12:N0} {load,10:F3} {load / rawRead,13:F2}x");
    }

    private static PolicyCheckpoint MakeCheckpoint(int[] hidden, int recorded)
    {
        var rng = new Pcg64(1);
        float[] R(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)rng.NextGaussian(); return a; }
        DenseLayer[] Layers(int outputs)
        {
            int[] sizes = [3, .. hidden, outputs];
            return Enumerable.Range(0, sizes.Length - 1).Select(i => new DenseLayer(sizes[i], sizes[i + 1], R(sizes[i] * sizes[i + 1]), R(sizes[i + 1]))).ToArray();
        }
        DenseLayer[] value = Layers(1);
        int p = value.Sum(l => l.In * l.Out + l.Out);
        return new PolicyCheckpoint
        {
            EnvId = "Pendulum-v1",
            ObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
            ActionSpace = SpaceSpec.Box([-2], [2]),
            ControlPeriod = 0.05,
            Hidden = hidden,
            PolicyLayers = Layers(1),
            ValueLayers = value,
            LogStd = [0f],
            ObsNorm = new ObservationNormState([0, 0, 0], [1, 1, 1], 1, 10f, 1e-8f),
            ValueOptimizer = new AdamState(1, R(p), new float[p]),
            RecordedObservations = recorded > 0 ? R(3 * recorded) : null,
        };
    }

    private static double RandomBoxMuller(int n)
    {
        var rng = new Random(1);
        double sink = 0;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i += 2)
        {
            double r = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble()));
            (double s, double c) = Math.SinCos(2.0 * Math.PI * rng.NextDouble());
            sink += r * c + r * s;
        }
        return Finish(sw, n, sink);
    }

    private static double Pcg(int n)
    {
        var rng = new Pcg64(1);
        double sink = 0;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) sink += rng.NextGaussian();
        return Finish(sw, n, sink);
    }

    private static double InlineGaussianStep(int steps, int dim)
    {
        var rng = new Pcg64(2);
        float[] mean = new float[dim], logStd = new float[dim], x = new float[dim];
        double[] noise = new double[dim];
        double sink = 0;
        var sw = Stopwatch.StartNew();
        for (int t = 0; t < steps; t++)
        {
            float lp = 0;
            for (int i = 0; i < dim; i++)
            {
                float eps = (float)rng.NextGaussian();
                x[i] = mean[i] + MathF.Exp(logStd[i]) * eps;
                lp += -0.5f * eps * eps - logStd[i] - 0.9189385f;
            }
            sink += lp;
        }
        return Finish(sw, steps, sink);
    }

    private static double DiagStep(int steps, int dim, out long bytes)
    {
        var rng = new Pcg64(2);
        float[] mean = new float[dim], logStd = new float[dim], x = new float[dim];
        double[] noise = new double[dim];
        double sink = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (int t = 0; t < steps; t++)
        {
            rng.FillGaussian(noise);
            DiagGaussian.Sample(mean, logStd, noise, x);
            sink += DiagGaussian.LogProb(mean, logStd, x);
        }
        double ns = Finish(sw, steps, sink);
        bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return ns;
    }

    private static double CategoricalStep(int steps, int n, out long bytes)
    {
        var rng = new Pcg64(3);
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) logits[i] = i * 0.3f;
        double sink = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (int t = 0; t < steps; t++)
        {
            int a = Categorical.Sample(logits, rng.NextDouble());
            sink += Categorical.LogProb(logits, a);
        }
        double ns = Finish(sw, steps, sink);
        bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return ns;
    }

    /// <summary>ns per op; the sink keeps the JIT from deleting the loop.</summary>
    private static double Finish(Stopwatch sw, int n, double sink)
    {
        sw.Stop();
        if (sink == 12345.678) Console.Write("");
        return sw.Elapsed.TotalNanoseconds / n;
    }

    private static double Best(Func<double> measure)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++) best = Math.Min(best, measure());
        return best;
    }

    private static double BestMs(Action action)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
        }
        return best;
    }

    private static void Print(string name, double ns, double baseline) =>
        Console.WriteLine($"{name,-64} {ns,10:F1} {baseline / ns,13:F2}x");
}
