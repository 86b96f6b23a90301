using System.Runtime.Intrinsics.X86;

namespace TrpoEdge.Trainer.Engine;

/// <summary>GEMM in managed code on hardware intrinsics: packed panels around a 12×32 AVX-512 (or 6×16 AVX2)
/// register-blocked micro-kernel, a dot-product path for heads with 1–4 outputs, and a 2-way split across a
/// helper thread for problems large enough to repay the hand-off. No native dependency, no allocation per call
/// (each thread packs into scratch it allocates once). Safe to call from several threads at once.</summary>
public sealed class ManagedBackend : IComputeBackend
{
    /// <summary>Default <see cref="ParallelThresholdFlops"/> (1 MFLOP = a 128×64×64 product). Measured with
    /// <c>bench gemm</c> on two otherwise idle cores (Xeon, taskset to 2 cores): splitting pays from about
    /// 0.05 MFLOP (256×64×3: 49 vs 27 GFLOP/s; 64×64×64: 50–112 vs 35–81) and nearly doubles large products
    /// (2048×64×64: 140–165 vs 75–80). On a heavily loaded 2-core machine the split loses instead (the helper thread
    /// waits for a core). The threshold sits above the rollout forward passes (batch = number of environments,
    /// typically ≤ 64 rows) so acting never wakes the helper thread, and below the update's batches (≥ 256 rows).</summary>
    public const double DefaultParallelThresholdFlops = 1e6;

    /// <summary>Outputs per row up to which A·Bᵀ runs as dot products instead of through 32-wide tiles.</summary>
    private const int DotMaxColumns = 4;

    /// <summary>Rows of C up to which op(A)·B (B not transposed) runs as scaled sums of B's rows.</summary>
    private const int RowAxpyMaxRows = 4;

    /// <summary>Columns up to which Aᵀ·B (A stored transposed) keeps 64 rows of C on the vector lanes.</summary>
    private const int ColAxpyMaxColumns = 8;

    /// <summary>Below this many columns (and with more rows than columns) the transposed problem is computed, so the
    /// long dimension fills the vector lanes.</summary>
    private const int TransposeBelowColumns = 8;

    private readonly GemmPath _packedPath;

    /// <param name="isa">Instruction set for the micro-kernels; <see cref="ManagedIsa.Auto"/> picks the widest.</param>
    /// <param name="threads">1 or 2: whether large products may use the helper thread.</param>
    public ManagedBackend(ManagedIsa isa = ManagedIsa.Auto, int threads = 2)
    {
        if (threads is < 1 or > 2)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "ManagedBackend runs on 1 or 2 threads.");
        Isa = isa == ManagedIsa.Auto ? Widest() : isa;
        if (!IsSupported(Isa))
            throw new PlatformNotSupportedException(
                $"This CPU does not support {Isa} (AVX-512F: {Avx512F.IsSupported}, AVX2: {Avx2.IsSupported}, FMA: {Fma.IsSupported}); use ManagedIsa.Auto.");
        _packedPath = Isa switch
        {
            ManagedIsa.Avx512 => GemmPath.Packed512,
            ManagedIsa.Avx2 => GemmPath.Packed256,
            _ => GemmPath.Scalar,
        };
        Threads = threads;
    }

    /// <summary>The instruction set actually used.</summary>
    public ManagedIsa Isa { get; }

    /// <summary>1 or 2.</summary>
    public int Threads { get; }

    /// <summary>The helper thread's hand-off; tests give one without a thread to drive the caller-computes path.</summary>
    internal GemmWorker? Worker { get; init; }

    /// <summary>2·m·n·k at or above which a product is split across two threads.</summary>
    public double ParallelThresholdFlops { get; init; } = DefaultParallelThresholdFlops;

    public string Name => $"managed-{Isa.ToString().ToLowerInvariant()}" + (Threads == 2 ? "-2t" : "-1t");

    /// <summary>Whether this CPU can run <paramref name="isa"/>.</summary>
    public static bool IsSupported(ManagedIsa isa) => isa switch
    {
        ManagedIsa.Auto or ManagedIsa.Scalar => true,
        ManagedIsa.Avx512 => Avx512F.IsSupported,
        ManagedIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => false,
    };

    private static ManagedIsa Widest() =>
        Avx512F.IsSupported ? ManagedIsa.Avx512 : Avx2.IsSupported && Fma.IsSupported ? ManagedIsa.Avx2 : ManagedIsa.Scalar;

    public unsafe void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            GemmArguments.ScaleC(m, n, beta, c, ldc);
            return;
        }
        fixed (float* pa = a, pb = b, pc = c)
        {
            var p = new GemmProblem
            {
                TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
                A = pa, Lda = lda, B = pb, Ldb = ldb, C = pc, Ldc = ldc,
            };
            Execute(p);
        }
    }

    private void Execute(GemmProblem p)
    {
        GemmPath path = _packedPath;
        if (path != GemmPath.Scalar)
        {
            if (!p.TransA && p.TransB && p.N <= DotMaxColumns) path = GemmPath.Dot;
            else if (!p.TransB && p.M <= RowAxpyMaxRows && p.N >= 16)
                path = path == GemmPath.Packed512 ? GemmPath.RowAxpy512 : GemmPath.RowAxpy256;
            else if (path == GemmPath.Packed512 && p.TransA && !p.TransB && p.N <= ColAxpyMaxColumns && p.M >= 64)
                path = GemmPath.ColAxpy512;
            else if (p.N < TransposeBelowColumns && p.M > p.N) p = p.Transposed();
        }

        if (Threads == 2 && 2.0 * p.M * p.N * p.K >= ParallelThresholdFlops && TrySplit(in p, path, Worker ?? GemmWorker.Shared)) return;
        p.Run(path, 0, p.M, 0, p.N);
    }

    /// <summary>Splits rows (preferred: each half packs the same small B) or else columns at a tile boundary, gives
    /// the second half to the worker, computes the first, and waits.</summary>
    private static bool TrySplit(in GemmProblem p, GemmPath path, GemmWorker worker)
    {
        (int mr, int nr) = path switch
        {
            GemmPath.Packed512 => (MicroKernels512.MR, MicroKernels512.NR),
            GemmPath.Packed256 => (MicroKernels256.MR, MicroKernels256.NR),
            GemmPath.RowAxpy512 => (1, 64),
            GemmPath.RowAxpy256 => (1, 32),
            // Splitting its few columns makes both threads stream all of A: measured slower (72 vs 103 GFLOP/s at
            // 64×6×2048), so only rows are split.
            GemmPath.ColAxpy512 => (64, int.MaxValue / 4),
            _ => (1, 1),
        };
        int mSplit = 0, nSplit = 0;
        if (p.M >= 4 * mr && path is not (GemmPath.RowAxpy512 or GemmPath.RowAxpy256)) mSplit = (p.M / 2 + mr - 1) / mr * mr;
        else if (p.N >= 2 * nr && path != GemmPath.Dot) nSplit = (p.N / 2 + nr - 1) / nr * nr;
        else return false;

        if (!worker.TryAcquire()) return false;
        if (mSplit > 0)
        {
            worker.Start(in p, path, mSplit, p.M, 0, p.N);
            RunAndJoin(in p, path, 0, mSplit, 0, p.N, worker);
        }
        else
        {
            worker.Start(in p, path, 0, p.M, nSplit, p.N);
            RunAndJoin(in p, path, 0, p.M, 0, nSplit, worker);
        }
        return true;
    }

    private static void RunAndJoin(in GemmProblem p, GemmPath path, int m0, int m1, int n0, int n1, GemmWorker worker)
    {
        try
        {
            p.Run(path, m0, m1, n0, n1);
        }
        finally
        {
            // Never leave while the worker still writes through our pinned pointers; if it has not started the other
            // half yet, this computes it here instead (see GemmWorker).
            worker.Join();
        }
    }

    public void BroadcastRows(ReadOnlySpan<float> row, int rows, Span<float> c) => Elementwise.BroadcastRows(row, rows, c);

    public void Activate(Activation activation, Span<float> x) => Elementwise.Activate(activation, x);

    public void MultiplyByDerivative(Activation activation, ReadOnlySpan<float> y, Span<float> d) =>
        Elementwise.MultiplyByDerivative(activation, y, d);

    public void SumRows(ReadOnlySpan<float> a, int rows, int cols, Span<float> sums) => Elementwise.SumRows(a, rows, cols, sums);
}
