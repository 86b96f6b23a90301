using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Bench;

/// <summary><c>bench gemm</c>: the managed GEMM against OpenBLAS's sgemm (the baseline, same process, same run)
/// on the shapes an MLP policy trains with, then Mlp samples/s. Options: <c>--quick</c> (shorter timings).</summary>
internal static class GemmBench
{
    private readonly record struct Shape(string Use, bool TransA, bool TransB, int M, int N, int K)
    {
        public double Flops => 2.0 * M * N * K;
        public override string ToString() => $"{Use,-14} {(TransA ? "T" : "N")}{(TransB ? "T" : "N")} {M,5}×{N,3}×{K,5}";
    }

    private static double s_seconds = 0.3;

    public static int Run(string[] args)
    {
        if (args.Contains("--quick")) s_seconds = 0.05;
        Console.WriteLine($"CPU: {Environment.ProcessorCount} logical cores, AVX-512F {Avx512F.IsSupported}, AVX2 {Avx2.IsSupported}, FMA {Fma.IsSupported}");
        var shapes = new List<Shape>();
        foreach (int batch in new[] { 64, 256, 1024, 2048, 4096 })
        {
            shapes.Add(new("fwd hidden", false, true, batch, 64, 64));
            shapes.Add(new("bwd dX hidden", false, false, batch, 64, 64));
            shapes.Add(new("bwd dW hidden", true, false, 64, 64, batch));
        }
        foreach (int batch in new[] { 256, 2048 })
        {
            shapes.Add(new("fwd input", false, true, batch, 64, 3));
            shapes.Add(new("fwd input", false, true, batch, 64, 6));
            shapes.Add(new("fwd head", false, true, batch, 1, 64));
            shapes.Add(new("fwd head", false, true, batch, 3, 64));
            shapes.Add(new("bwd dW input", true, false, 64, 6, batch));
            shapes.Add(new("bwd dW head", true, false, 1, 64, batch));
            shapes.Add(new("bwd dW head", true, false, 3, 64, batch));
            shapes.Add(new("bwd dX head", false, false, batch, 64, 3));
        }

        var managed1 = new ManagedBackend(ManagedIsa.Auto, threads: 1);
        // The AVX2 kernel is what CPUs without AVX-512 run; shown beside the widest one.
        var avx2 = ManagedBackend.IsSupported(ManagedIsa.Avx2) ? new ManagedBackend(ManagedIsa.Avx2, threads: 1) : managed1;
        var managed2Always = new ManagedBackend(ManagedIsa.Auto, threads: 2) { ParallelThresholdFlops = 0 };
        var managed = new ManagedBackend();
        OpenBlasBackend? openBlas = OpenBlasBackend.TryCreate(out string? reason);
        int openBlasThreads = OpenBlasBackend.NumThreads;
        Console.WriteLine(openBlas is null
            ? $"OpenBLAS baseline unavailable: {reason}"
            : $"OpenBLAS: {OpenBlasBackend.LibraryPath}, kernels for core '{OpenBlasBackend.CoreName}', {openBlasThreads} threads");

        Console.WriteLine();
        Console.WriteLine($"GFLOP/s, best {BlockSeconds * 1e3:0} ms block of each column, columns interleaved block by block (noise on a shared machine hits all alike).");
        Console.WriteLine($"'managed' = {managed.Name} with the default 2-thread threshold {managed.ParallelThresholdFlops:0.#e0} flops; 'mgd-2t' splits every product.");
        Console.WriteLine($"{"shape",-34} {"avx2-1t",7} {"mgd-1t",7} {"oblas-1t",8} {"1t ratio",8} | {"mgd-2t",7} {"managed",7} {"openblas",8} {"ratio",6}");
        double log1 = 0, log2 = 0;
        foreach (Shape s in shapes)
        {
            double[] single, both;
            if (openBlas is not null)
            {
                OpenBlasBackend.NumThreads = 1;
                single = Interleaved(s, managed1, openBlas, avx2);
                OpenBlasBackend.NumThreads = Math.Max(1, openBlasThreads);
                both = Interleaved(s, managed2Always, managed, openBlas);
                log1 += Math.Log(single[0] / single[1]);
                log2 += Math.Log(both[1] / both[2]);
                Console.WriteLine($"{s,-34} {single[2],7:0.0} {single[0],7:0.0} {single[1],8:0.0} {single[0] / single[1],8:0.00} | {both[0],7:0.0} {both[1],7:0.0} {both[2],8:0.0} {both[1] / both[2],6:0.00}");
            }
            else
            {
                single = Interleaved(s, managed1, avx2);
                both = Interleaved(s, managed2Always, managed);
                Console.WriteLine($"{s,-34} {single[1],7:0.0} {single[0],7:0.0} {"n/a",8} {"n/a",8} | {both[0],7:0.0} {both[1],7:0.0} {"n/a",8} {"n/a",6}");
            }
        }
        if (openBlas is not null)
            Console.WriteLine($"geometric mean managed/openblas: single thread {Math.Exp(log1 / shapes.Count):0.00}, two threads {Math.Exp(log2 / shapes.Count):0.00}");

        Console.WriteLine();
        Console.WriteLine("Mlp samples/s (millions), [64, 64] tanh, 3 inputs -> 1 output, batch 2048; backends interleaved:");
        var backends = new List<IComputeBackend> { managed };
        if (openBlas is not null) backends.Add(openBlas);
        MlpThroughput(backends, batch: 2048);
        return 0;
    }

    private const double BlockSeconds = 0.004;

    /// <summary>GFLOP/s of each backend on one shape.</summary>
    private static double[] Interleaved(Shape s, params IComputeBackend[] backends)
    {
        var rng = new Random(1);
        float[] a = Fill(rng, s.M * s.K), b = Fill(rng, s.K * s.N);
        int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
        var actions = backends.Select(be =>
        {
            float[] c = new float[s.M * s.N];
            return (Action)(() => be.Gemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N));
        }).ToArray();
        return Rates(actions, s.Flops).Select(r => r / 1e9).ToArray();
    }

    /// <summary>Calls per second times <paramref name="opsPerCall"/> for each action: each is calibrated to blocks of
    /// about <see cref="BlockSeconds"/>, then the actions take turns block by block until the time budget is spent;
    /// the best block of each counts (the one least disturbed by other processes).</summary>
    private static double[] Rates(Action[] actions, double opsPerCall)
    {
        var reps = new int[actions.Length];
        var best = new double[actions.Length];
        var sw = new Stopwatch();
        for (int i = 0; i < actions.Length; i++)
        {
            for (int w = 0; w < 3; w++) actions[i]();
            reps[i] = 1;
            while (true)
            {
                sw.Restart();
                for (int r = 0; r < reps[i]; r++) actions[i]();
                if (sw.Elapsed.TotalSeconds > BlockSeconds) break;
                reps[i] *= 2;
            }
        }
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < s_seconds * actions.Length)
        {
            for (int i = 0; i < actions.Length; i++)
            {
                sw.Restart();
                for (int r = 0; r < reps[i]; r++) actions[i]();
                best[i] = Math.Max(best[i], reps[i] * opsPerCall / sw.Elapsed.TotalSeconds);
            }
        }
        return best;
    }

    private static float[] Fill(Random rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() - 0.5);
        return x;
    }

    private static void MlpThroughput(IReadOnlyList<IComputeBackend> backends, int batch)
    {
        var rng = new Random(2);
        float[] x = Fill(rng, batch * 3), dy = Fill(rng, batch);
        var phases = new (string Name, List<Action> Actions)[] { ("forward", []), ("backward", []), ("jvp", []), ("jvp+backward", []) };
        foreach (IComputeBackend backend in backends)
        {
            var mlp = new Mlp(3, [64, 64], 1, Activation.Tanh, backend);
            mlp.InitOrthogonal(1, MathF.Sqrt(2), 1f);
            float[] y = new float[batch], grad = new float[mlp.ParameterCount], jy = new float[batch];
            float[] tangent = Fill(rng, mlp.ParameterCount);
            mlp.Forward(x, batch, y);
            // Each Mlp keeps its own cache, so backward/JVP measure at the batch its own forward cached.
            phases[0].Actions.Add(() => mlp.Forward(x, batch, y));
            phases[1].Actions.Add(() => mlp.Backward(dy, grad));
            phases[2].Actions.Add(() => mlp.Jvp(tangent, jy));
            phases[3].Actions.Add(() => { mlp.Jvp(tangent, jy); mlp.Backward(jy, grad); });
        }
        Console.WriteLine($"  {"pass",-14}" + string.Concat(backends.Select(b => $"{b.Name,20}")) + (backends.Count > 1 ? "   ratio" : ""));
        foreach (var (name, actions) in phases)
        {
            double[] rates = Rates(actions.ToArray(), batch);
            Console.WriteLine($"  {name,-14}" + string.Concat(rates.Select(r => $"{r / 1e6,20:0.00}")) + (rates.Length > 1 ? $"   {rates[0] / rates[1],5:0.00}" : ""));
        }
    }
}
