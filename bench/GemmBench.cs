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

    private static double s_seconds = 0.25;

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
        var managed2Always = new ManagedBackend(ManagedIsa.Auto, threads: 2) { ParallelThresholdFlops = 0 };
        var managed = new ManagedBackend();
        // Managed columns first: OpenBLAS's pool threads keep spinning after a call and would steal the second core.
        double[] m1 = shapes.Select(s => Measure(managed1, s)).ToArray();
        double[] m2 = shapes.Select(s => Measure(managed2Always, s)).ToArray();
        double[] md = shapes.Select(s => Measure(managed, s)).ToArray();
        double[]? ob = null, ob1 = null;
        if (OpenBlasBackend.TryCreate(out string? reason) is { } openBlas)
        {
            Console.WriteLine($"OpenBLAS: {OpenBlasBackend.LibraryPath}, core {OpenBlasBackend.CoreName}, {OpenBlasBackend.NumThreads} threads");
            ob = shapes.Select(s => Measure(openBlas, s)).ToArray();
            int threads = OpenBlasBackend.NumThreads;
            OpenBlasBackend.NumThreads = 1;
            ob1 = shapes.Select(s => Measure(openBlas, s)).ToArray();
            OpenBlasBackend.NumThreads = Math.Max(1, threads);
        }
        else
        {
            Console.WriteLine($"OpenBLAS baseline unavailable: {reason}");
        }

        Console.WriteLine();
        Console.WriteLine($"GFLOP/s ({managed.Name}; 'managed' = default 2-thread threshold {managed.ParallelThresholdFlops:0.#e0} flops)");
        Console.WriteLine($"{"shape",-34} {"mgd-1t",8} {"mgd-2t",8} {"managed",8} {"oblas-1t",8} {"openblas",8} {"managed/openblas",17}");
        double logSum = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            string ratio = ob is null ? "n/a" : $"{md[i] / ob[i]:0.00}";
            if (ob is not null) logSum += Math.Log(md[i] / ob[i]);
            Console.WriteLine($"{shapes[i],-34} {m1[i],8:0.0} {m2[i],8:0.0} {md[i],8:0.0} {(ob1 is null ? "n/a" : ob1[i].ToString("0.0")),8} {(ob is null ? "n/a" : ob[i].ToString("0.0")),8} {ratio,17}");
        }
        if (ob is not null) Console.WriteLine($"geometric mean managed/openblas: {Math.Exp(logSum / shapes.Count):0.00}");

        Console.WriteLine();
        MlpThroughput(managed, batch: 2048);
        if (OpenBlasBackend.TryCreate(out _) is { } ob2) MlpThroughput(ob2, batch: 2048);
        return 0;
    }

    private static double Measure(IComputeBackend backend, Shape s)
    {
        var rng = new Random(1);
        float[] a = Fill(rng, s.M * s.K), b = Fill(rng, s.K * s.N), c = new float[s.M * s.N];
        int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
        void Once() => backend.Gemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N);
        return Rate(Once, s.Flops) / 1e9;
    }

    /// <summary>Operations per second: calibrated blocks of about 20 ms, best of the blocks within the budget
    /// (the best block is the one least disturbed by the other processes on a shared machine).</summary>
    private static double Rate(Action once, double opsPerCall)
    {
        for (int i = 0; i < 3; i++) once();
        int reps = 1;
        var sw = Stopwatch.StartNew();
        while (true)
        {
            sw.Restart();
            for (int i = 0; i < reps; i++) once();
            if (sw.Elapsed.TotalSeconds > 0.02) break;
            reps *= 2;
        }
        double best = 0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < s_seconds)
        {
            sw.Restart();
            for (int i = 0; i < reps; i++) once();
            best = Math.Max(best, reps * opsPerCall / sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static float[] Fill(Random rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() - 0.5);
        return x;
    }

    private static void MlpThroughput(IComputeBackend backend, int batch)
    {
        Console.WriteLine($"Mlp samples/s, [64, 64] tanh, 3 inputs → 1 output, batch {batch}, {backend.Name}:");
        var mlp = new Mlp(3, [64, 64], 1, Activation.Tanh, backend);
        mlp.InitOrthogonal(1, MathF.Sqrt(2), 1f);
        var rng = new Random(2);
        float[] x = Fill(rng, batch * 3), y = new float[batch], dy = Fill(rng, batch);
        float[] grad = new float[mlp.ParameterCount], tangent = Fill(rng, mlp.ParameterCount), jy = new float[batch];
        mlp.Forward(x, batch, y);
        double fwd = Rate(() => mlp.Forward(x, batch, y), batch);
        double bwd = Rate(() => mlp.Backward(dy, grad), batch);
        double jvp = Rate(() => mlp.Jvp(tangent, jy), batch);
        double fvp = Rate(() => { mlp.Jvp(tangent, jy); mlp.Backward(jy, grad); }, batch);
        Console.WriteLine($"  forward {fwd / 1e6,7:0.00} M/s   backward {bwd / 1e6,7:0.00} M/s   jvp {jvp / 1e6,7:0.00} M/s   jvp+backward (Fisher-vector) {fvp / 1e6,7:0.00} M/s");
    }
}
