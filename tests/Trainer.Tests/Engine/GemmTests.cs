using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Tests.Engine;

public sealed class GemmTests
{
    public static TheoryData<string> Backends()
    {
        var data = new TheoryData<string> { "managed-auto-1t", "managed-auto-2t", "managed-scalar-1t" };
        if (ManagedBackend.IsSupported(ManagedIsa.Avx2)) data.Add("managed-avx2-2t");
        if (ManagedBackend.IsSupported(ManagedIsa.Avx512)) data.Add("managed-avx512-1t");
        // OpenBLAS is exercised whenever installed (scripts/test.sh installs libopenblas0).
        if (OpenBlasBackend.IsAvailable) data.Add("openblas");
        return data;
    }

    internal static IComputeBackend Create(string name) => name switch
    {
        "managed-auto-1t" => new ManagedBackend(ManagedIsa.Auto, threads: 1),
        // A threshold of 0 forces every product through the two-thread split, so the split itself is tested.
        "managed-auto-2t" => new ManagedBackend(ManagedIsa.Auto, threads: 2) { ParallelThresholdFlops = 0 },
        "managed-scalar-1t" => new ManagedBackend(ManagedIsa.Scalar, threads: 1),
        "managed-avx2-2t" => new ManagedBackend(ManagedIsa.Avx2, threads: 2) { ParallelThresholdFlops = 0 },
        "managed-avx512-1t" => new ManagedBackend(ManagedIsa.Avx512, threads: 1),
        "openblas" => new OpenBlasBackend(),
        _ => throw new ArgumentException(name),
    };

    private static float[] Random(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>The textbook definition in double precision, element by element.</summary>
    private static double[] Naive(bool transA, bool transB, int m, int n, int k, float alpha, float[] a, int lda,
        float[] b, int ldb, float beta, float[] c, int ldc)
    {
        var result = new double[c.Length];
        for (int i = 0; i < c.Length; i++) result[i] = c[i];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int p = 0; p < k; p++)
            {
                double av = transA ? a[p * lda + i] : a[i * lda + p];
                double bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                s += av * bv;
            }
            result[i * ldc + j] = alpha * s + (beta == 0f ? 0.0 : beta * (double)c[i * ldc + j]);
        }
        return result;
    }

    private static void Check(IComputeBackend backend, bool transA, bool transB, int m, int n, int k,
        float alpha, float beta, int padA, int padB, int padC, int seed)
    {
        var rng = new Random(seed);
        int lda = (transA ? m : k) + padA, ldb = (transB ? k : n) + padB, ldc = n + padC;
        int rowsA = transA ? k : m, rowsB = transB ? n : k;
        float[] a = Random(rng, Math.Max(1, rowsA * lda));
        float[] b = Random(rng, Math.Max(1, rowsB * ldb));
        float[] c = Random(rng, Math.Max(1, m * ldc));
        if (beta == 0f) Array.Fill(c, float.NaN); // beta = 0 must not read C
        // Padding columns of C must survive untouched.
        double[] expected = Naive(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        float[] actual = (float[])c.Clone();
        backend.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, actual, ldc);
        for (int i = 0; i < m; i++)
        for (int j = 0; j < ldc; j++)
        {
            int idx = i * ldc + j;
            if (j >= n)
            {
                Assert.True(actual[idx].Equals(c[idx]), $"{backend.Name}: padding C[{i},{j}] was overwritten");
                continue;
            }
            double tol = 1e-5 * (k + 2) * (Math.Abs(alpha) + 1);
            Assert.True(Math.Abs(actual[idx] - expected[idx]) <= tol,
                $"{backend.Name} transA={transA} transB={transB} m={m} n={n} k={k}: C[{i},{j}] = {actual[idx]}, expected {expected[idx]}");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Every_transpose_combination_matches_the_naive_triple_loop_on_odd_sizes(string backendName)
    {
        IComputeBackend backend = Create(backendName);
        int[] sizes = [1, 3, 17, 65];
        int seed = 0;
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        foreach (int m in sizes)
        foreach (int n in sizes)
        foreach (int k in new[] { 1, 6, 65 })
            Check(backend, ta, tb, m, n, k, 1f, 0f, 0, 0, 0, seed++);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Alpha_beta_and_leading_dimensions_follow_blas_semantics(string backendName)
    {
        IComputeBackend backend = Create(backendName);
        int seed = 1000;
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        foreach ((float alpha, float beta) in new[] { (1f, 1f), (-0.5f, 2f), (2.5f, 0f), (0.75f, -1f) })
        foreach ((int m, int n, int k) in new[] { (13, 33, 7), (37, 3, 65), (2, 70, 300), (129, 64, 64), (130, 5, 40) })
            Check(backend, ta, tb, m, n, k, alpha, beta, padA: 3, padB: 5, padC: 2, seed++);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void The_mlp_shapes_match_the_naive_triple_loop(string backendName)
    {
        IComputeBackend backend = Create(backendName);
        int seed = 2000;
        foreach (int batch in new[] { 64, 250, 1030 })
        {
            Check(backend, false, true, batch, 64, 64, 1f, 1f, 0, 0, 0, seed++);  // hidden forward
            Check(backend, false, true, batch, 64, 5, 1f, 1f, 0, 0, 0, seed++);   // input layer forward
            Check(backend, false, true, batch, 3, 64, 1f, 1f, 0, 0, 0, seed++);   // head forward
            Check(backend, true, false, 64, 64, batch, 1f, 0f, 0, 0, 0, seed++);  // dW = dYᵀ·X
            Check(backend, true, false, 64, 5, batch, 1f, 0f, 0, 0, 0, seed++);   // dW of the input layer
            Check(backend, true, false, 1, 64, batch, 1f, 0f, 0, 0, 0, seed++);   // dW of a value head
            Check(backend, false, false, batch, 64, 64, 1f, 0f, 0, 0, 0, seed++); // dX = dY·W
            Check(backend, false, false, batch, 64, 2, 1f, 0f, 0, 0, 0, seed++);  // dX through a head
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Zero_k_or_zero_alpha_only_scales_c(string backendName)
    {
        IComputeBackend backend = Create(backendName);
        float[] c = [1, 2, 3, 4, 5, 6];
        backend.Gemm(false, false, 2, 3, 0, 1f, [], 1, [], 3, 0.5f, c, 3);
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 2, 2.5f, 3 }, c);
        Check(backend, false, false, 4, 5, 6, 0f, -2f, 0, 0, 0, 7);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_a_message_naming_the_value()
    {
        var backend = new ManagedBackend();
        var a = new float[6];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => backend.Gemm(false, false, 2, 3, 3, 1f, a, 2, a, 3, 0f, a, 3));
        Assert.Contains("got 2", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => backend.Gemm(false, false, 3, 3, 3, 1f, new float[9], 3, new float[8], 3, 0f, new float[9], 3));
        Assert.Contains("holds 8", ex2.Message);
    }

    [Fact]
    public void A_large_product_allocates_nothing_per_call()
    {
        var backend = new ManagedBackend(ManagedIsa.Auto, threads: 2) { ParallelThresholdFlops = 0 };
        var rng = new Random(3);
        float[] a = Random(rng, 512 * 64), b = Random(rng, 64 * 64), c = new float[512 * 64];
        backend.Gemm(false, true, 512, 64, 64, 1f, a, 64, b, 64, 0f, c, 64); // warm-up: scratch and worker thread
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            backend.Gemm(false, true, 512, 64, 64, 1f, a, 64, b, 64, 0f, c, 64);
            backend.Gemm(true, false, 64, 64, 512, 1f, c, 64, a, 64, 0f, b, 64);
            backend.Gemm(false, true, 512, 1, 64, 1f, a, 64, b, 64, 0f, c, 1);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>A helper thread that never comes (a busy machine at its worst): every offered half is withdrawn and
    /// computed by the caller, and the products equal the single-threaded ones bit for bit (each block is computed by
    /// the same kernel either way).</summary>
    [Fact]
    public void A_half_the_worker_never_claims_is_computed_by_the_caller()
    {
        var worker = new GemmWorker(startThread: false);
        var split = new ManagedBackend(ManagedIsa.Auto, threads: 2) { ParallelThresholdFlops = 0, Worker = worker };
        var single = new ManagedBackend(ManagedIsa.Auto, threads: 1);
        var rng = new Random(17);
        foreach (var (transA, transB, m, n, k) in new[] { (false, true, 512, 64, 64), (true, false, 64, 64, 512), (false, false, 300, 96, 40) })
        {
            float[] a = Random(rng, m * k), b = Random(rng, k * n), c1 = new float[m * n], c2 = new float[m * n];
            int lda = transA ? m : k, ldb = transB ? k : n;
            split.Gemm(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c1, n);
            single.Gemm(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c2, n);
            Assert.Equal(c2, c1);
        }
        Assert.Equal(3, worker.Withdrawals);
        Assert.True(worker.TryAcquire(), "the worker was left held after a withdrawn half");
    }
}
