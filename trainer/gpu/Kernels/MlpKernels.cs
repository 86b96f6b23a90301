using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>Forward, reverse-mode (VJP) and forward-mode (JVP) passes of a dense layer, one thread per output element
/// (or per parameter and row chunk for the weight gradient). The formulas are the managed Mlp's; sums run in float, in
/// a different order, so results agree within float rounding.</summary>
internal static class MlpKernels
{
    public const int Linear = 0, Tanh = 1, Relu = 2;

    /// <summary>y[r, o] = act(b[o] + Σ_i x[r, i]·W[o, i]).</summary>
    public static void Forward(Index1D index, DenseLayer l, ArrayView<float> x, ArrayView<float> y)
    {
        int r = index / l.Out, o = index % l.Out;
        float s = l.Parameters[l.BiasOffset + o];
        long xRow = (long)r * l.In, wRow = l.WeightOffset + (long)o * l.In;
        for (int i = 0; i < l.In; i++) s += x[xRow + i] * l.Parameters[wRow + i];
        y[index] = Activate(s, l.Activation);
    }

    /// <summary>ż[r, o] = ḃ[o] + Σ_i h[r, i]·Ẇ[o, i] + Σ_i ḣ[r, i]·W[o, i] (the last term only after the first layer),
    /// times act′ recovered from the layer's output y.</summary>
    public static void Jvp(Index1D index, DenseLayer l, ArrayView<float> tangent, ArrayView<float> h, ArrayView<float> hDot,
        ArrayView<float> y, ArrayView<float> zDot, int first)
    {
        int r = index / l.Out, o = index % l.Out;
        float s = tangent[l.BiasOffset + o];
        long hRow = (long)r * l.In, wRow = l.WeightOffset + (long)o * l.In;
        for (int i = 0; i < l.In; i++) s += h[hRow + i] * tangent[wRow + i];
        if (first == 0)
            for (int i = 0; i < l.In; i++) s += hDot[hRow + i] * l.Parameters[wRow + i];
        zDot[index] = s * Derivative(y[index], l.Activation);
    }

    /// <summary>∂L/∂h[r, i] = Σ_o δ[r, o]·W[o, i], times act′(h) where h is a hidden layer's output
    /// (<paramref name="inputActivation"/> is that layer's activation, or Linear for the network's input).</summary>
    public static void BackwardInput(Index1D index, DenseLayer l, ArrayView<float> delta, ArrayView<float> h,
        ArrayView<float> gradInput, int inputActivation)
    {
        int r = index / l.In, i = index % l.In;
        float s = 0;
        long dRow = (long)r * l.Out;
        for (int o = 0; o < l.Out; o++) s += delta[dRow + o] * l.Parameters[l.WeightOffset + (long)o * l.In + i];
        gradInput[index] = s * Derivative(h[index], inputActivation);
    }

    /// <summary>Partial sums over one chunk of rows of ∂L/∂W[o, i] = Σ_r δ[r, o]·h[r, i] and ∂L/∂b[o] = Σ_r δ[r, o]:
    /// thread (chunk, j) for j over the layer's Out·In weights then Out biases.</summary>
    public static void WeightGradientPartial(Index1D index, DenseLayer l, ArrayView<float> delta, ArrayView<float> h,
        ArrayView<float> partials, int rows, int rowsPerChunk)
    {
        int perChunk = l.Out * (l.In + 1);
        int chunk = index / perChunk, j = index % perChunk;
        int r0 = chunk * rowsPerChunk, r1 = r0 + rowsPerChunk < rows ? r0 + rowsPerChunk : rows;
        float s = 0;
        if (j < l.Out * l.In)
        {
            int o = j / l.In, i = j % l.In;
            for (int r = r0; r < r1; r++) s += delta[(long)r * l.Out + o] * h[(long)r * l.In + i];
        }
        else
        {
            int o = j - l.Out * l.In;
            for (int r = r0; r < r1; r++) s += delta[(long)r * l.Out + o];
        }
        partials[index] = s;
    }

    /// <summary>gradient[offset + j] = Σ_chunk partials[chunk·perChunk + j] (weights then biases of one layer, which
    /// are contiguous in the flat layout).</summary>
    public static void SumChunks(Index1D j, ArrayView<float> partials, ArrayView<float> gradient, int offset, int perChunk, int chunks)
    {
        float s = 0;
        for (int c = 0; c < chunks; c++) s += partials[(long)c * perChunk + j];
        gradient[offset + j] = s;
    }

    private static float Activate(float z, int activation) =>
        activation == Tanh ? MathF.Tanh(z) : activation == Relu ? (z > 0 ? z : 0f) : z;

    private static float Derivative(float y, int activation) =>
        activation == Tanh ? 1f - y * y : activation == Relu ? (y > 0 ? 1f : 0f) : 1f;
}
