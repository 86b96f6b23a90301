namespace TrpoEdge.Trainer.Engine;

/// <summary>Checks a row-major GEMM call before any pointer is formed, with messages that name the bad value, so
/// every backend rejects the same calls the same way (a native BLAS would print to stderr or read out of bounds).</summary>
internal static class GemmArguments
{
    public static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM sizes must be zero or more; got m = {m}, n = {n}, k = {k}.");
        CheckMatrix("A", transA ? k : m, transA ? m : k, aLength, lda, transA ? "k×m (transA)" : "m×k");
        CheckMatrix("B", transB ? n : k, transB ? k : n, bLength, ldb, transB ? "n×k (transB)" : "k×n");
        CheckMatrix("C", m, n, cLength, ldc, "m×n");
    }

    private static void CheckMatrix(string name, int rows, int cols, int length, int ld, string shape)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentOutOfRangeException("ld" + name.ToLowerInvariant(), ld,
                $"Leading dimension of {name} ({shape} = {rows}×{cols}, row-major) must be at least max(1, {cols}); got {ld}.");
        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException(
                $"{name} is {shape} = {rows}×{cols} with leading dimension {ld}, which needs {needed} floats, but the span holds {length}.",
                name.ToLowerInvariant());
    }

    /// <summary>C ← beta·C on the m×n block (the whole answer when k = 0 or alpha = 0).</summary>
    public static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0f) row.Clear();
            else if (beta != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }
}
