using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>Row gathers for minibatches and Fisher subsamples, and the critic's regression residual.</summary>
internal static class RowKernels
{
    /// <summary>destination[r, c] = source[rows[r], c] for rows of width d.</summary>
    public static void GatherRows(Index1D index, ArrayView<float> source, ArrayView<float> destination, ArrayView<int> rows, int d)
    {
        int r = index / d, c = index % d;
        destination[index] = source[(long)rows[r] * d + c];
    }

    /// <summary>destination[r] = source[rows[r]].</summary>
    public static void GatherValues(Index1D r, ArrayView<float> source, ArrayView<float> destination, ArrayView<int> rows) =>
        destination[r] = source[rows[r]];

    /// <summary>destination[r, c] = source[r·stride, c]: every stride-th row (the Fisher subsample).</summary>
    public static void StrideRows(Index1D index, ArrayView<float> source, ArrayView<float> destination, int d, int stride)
    {
        int r = index / d, c = index % d;
        destination[index] = source[(long)r * stride * d + c];
    }

    /// <summary>e = V − t: dy[r] = e / B (float, as the managed critic) and squares[r] = e² in double.</summary>
    public static void Residual(Index1D r, ArrayView<float> predictions, ArrayView<float> targets, ArrayView<float> dy, ArrayView<double> squares, int b)
    {
        float e = predictions[r] - targets[r];
        squares[r] = (double)e * e;
        dy[r] = e / b;
    }
}
