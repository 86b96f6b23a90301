namespace TrpoEdge.Trainer.Engine;

/// <summary>The seam between the MLP engine and the arithmetic that runs it. All matrices are row-major float32.
/// Implementations: <see cref="ManagedBackend"/> (hardware intrinsics, no native dependency),
/// <see cref="OpenBlasBackend"/> (cblas_sgemm); a GPU backend can slot in behind the same calls.</summary>
public interface IComputeBackend
{
    /// <summary>A short name for logs and benchmark tables.</summary>
    string Name { get; }

    /// <summary>BLAS sgemm, row-major: C = alpha·op(A)·op(B) + beta·C with op(A) m×k, op(B) k×n, C m×n.
    /// op(X) = Xᵀ when its trans flag is set; A is then stored k×m (lda ≥ m), otherwise m×k (lda ≥ k); likewise B.
    /// When beta is 0, C is not read (it may hold anything, NaN included).</summary>
    void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc);

    /// <summary>Writes <paramref name="row"/> into each of the first <paramref name="rows"/> rows of the
    /// contiguous matrix <paramref name="c"/> (rows × row.Length): the bias before a GEMM with beta = 1.</summary>
    void BroadcastRows(ReadOnlySpan<float> row, int rows, Span<float> c);

    /// <summary>x ← act(x) elementwise, in place.</summary>
    void Activate(Activation activation, Span<float> x);

    /// <summary>d ← d ⊙ act′(z) elementwise, where y = act(z) is the activation's output (both activations
    /// express their derivative through y, so the pre-activation need not be kept).</summary>
    void MultiplyByDerivative(Activation activation, ReadOnlySpan<float> y, Span<float> d);

    /// <summary>sums[j] = Σ_i a[i, j] over a contiguous rows × cols matrix (overwrites sums): the bias gradient.</summary>
    void SumRows(ReadOnlySpan<float> a, int rows, int cols, Span<float> sums);
}
