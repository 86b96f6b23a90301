using System.Runtime.InteropServices;

namespace TrpoEdge.Trainer.Engine;

/// <summary>GEMM through OpenBLAS's <c>cblas_sgemm</c> (Debian package libopenblas0), loaded at run time; the
/// elementwise operations are the managed ones. OpenBLAS runs its own thread pool (all cores by default).</summary>
public sealed class OpenBlasBackend : IComputeBackend
{
    /// <summary>Throws <see cref="DllNotFoundException"/> with install instructions when OpenBLAS is absent; use
    /// <see cref="TryCreate"/> to test first.</summary>
    public OpenBlasBackend()
    {
        var lib = OpenBlasNative.Library;
        if (lib.Error is not null) throw new DllNotFoundException(lib.Error);
    }

    /// <summary>Whether OpenBLAS could be loaded on this machine.</summary>
    public static bool IsAvailable => OpenBlasNative.Library.Error is null;

    /// <summary>Why OpenBLAS is unavailable, or null when it is available.</summary>
    public static string? UnavailableReason => OpenBlasNative.Library.Error;

    /// <summary>A backend, or null with the reason when OpenBLAS is absent.</summary>
    public static OpenBlasBackend? TryCreate(out string? reason)
    {
        reason = UnavailableReason;
        return reason is null ? new OpenBlasBackend() : null;
    }

    public string Name => "openblas";

    /// <summary>The library file that was loaded.</summary>
    public static string? LibraryPath => OpenBlasNative.Library.Path;

    /// <summary>OpenBLAS's name for the kernel set it chose for this CPU (e.g. "SkylakeX", "Haswell", "Zen").</summary>
    public static unsafe string CoreName
    {
        get
        {
            var lib = OpenBlasNative.Library;
            if (lib.Error is not null || lib.GetCoreName == null) return "unknown";
            return Marshal.PtrToStringAnsi((nint)lib.GetCoreName()) ?? "unknown";
        }
    }

    /// <summary>OpenBLAS's thread count (process-wide); 0 when unknown.</summary>
    public static unsafe int NumThreads
    {
        get
        {
            var lib = OpenBlasNative.Library;
            return lib.Error is null && lib.GetNumThreads != null ? lib.GetNumThreads() : 0;
        }
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "OpenBLAS needs at least one thread.");
            var lib = OpenBlasNative.Library;
            if (lib.Error is null && lib.SetNumThreads != null) lib.SetNumThreads(value);
        }
    }

    public unsafe void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        // Validated here because cblas_sgemm reports bad arguments by printing and returning, or not at all.
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            GemmArguments.ScaleC(m, n, beta, c, ldc);
            return;
        }
        var sgemm = OpenBlasNative.Library.Sgemm;
        fixed (float* pa = a, pb = b, pc = c)
        {
            sgemm(OpenBlasNative.CblasRowMajor,
                transA ? OpenBlasNative.CblasTrans : OpenBlasNative.CblasNoTrans,
                transB ? OpenBlasNative.CblasTrans : OpenBlasNative.CblasNoTrans,
                m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    public void BroadcastRows(ReadOnlySpan<float> row, int rows, Span<float> c) => Elementwise.BroadcastRows(row, rows, c);

    public void Activate(Activation activation, Span<float> x) => Elementwise.Activate(activation, x);

    public void MultiplyByDerivative(Activation activation, ReadOnlySpan<float> y, Span<float> d) =>
        Elementwise.MultiplyByDerivative(activation, y, d);

    public void SumRows(ReadOnlySpan<float> a, int rows, int cols, Span<float> sums) => Elementwise.SumRows(a, rows, cols, sums);
}
