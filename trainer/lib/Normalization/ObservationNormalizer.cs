using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Trainer.Normalization;

/// <summary>Running mean and variance of observations (Chan et al.'s parallel update, as SB3's
/// RunningMeanStd). Statistics are frozen while a batch is collected and updated between updates, so the
/// policy that acted and the policy being improved see the same normalisation. The float32 formula is the one
/// the exported ONNX graph uses: z = clip((x − (float)mean) / (float)sqrt(var + ε), −clip, clip).</summary>
public sealed class ObservationNormalizer
{
    private readonly double[] _mean;
    private readonly double[] _var;
    private readonly float[] _mean32;
    private readonly float[] _std32;
    private double _count;

    public ObservationNormalizer(int size, float clip = 10f, float epsilon = 1e-8f, bool enabled = true)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "Observation size must be positive.");
        Size = size;
        Clip = clip;
        Epsilon = epsilon;
        Enabled = enabled;
        _mean = new double[size];
        _var = new double[size];
        _mean32 = new float[size];
        _std32 = new float[size];
        Array.Fill(_var, 1.0);
        _count = 1e-4; // SB3's prior count: the first batch dominates without dividing by zero.
        Refresh();
    }

    public int Size { get; }
    public float Clip { get; }
    public float Epsilon { get; }
    /// <summary>When false the statistics stay at mean 0, variance 1 (identity up to clipping and ε).</summary>
    public bool Enabled { get; }
    public double Count => _count;

    /// <summary>Folds a batch of raw observations [n × Size] into the statistics.</summary>
    public void Update(ReadOnlySpan<float> observations)
    {
        if (!Enabled) return;
        int n = observations.Length / Size;
        if (n == 0) return;
        Span<double> batchMean = stackalloc double[Size];
        Span<double> batchM2 = stackalloc double[Size];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < Size; j++) batchMean[j] += observations[i * Size + j];
        for (int j = 0; j < Size; j++) batchMean[j] /= n;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < Size; j++)
            {
                double d = observations[i * Size + j] - batchMean[j];
                batchM2[j] += d * d;
            }
        UpdateFromMoments(batchMean, batchM2, n);
    }

    /// <summary>Folds a batch given by its per-dimension mean and sum of squared deviations Σ(x − mean)² over
    /// <paramref name="n"/> rows (what a device engine reduces without copying the observations to the host).</summary>
    public void UpdateFromMoments(ReadOnlySpan<double> batchMean, ReadOnlySpan<double> batchM2, long n)
    {
        if (!Enabled || n == 0) return;
        if (batchMean.Length != Size || batchM2.Length != Size)
            throw new ArgumentException($"Batch moments have {batchMean.Length}/{batchM2.Length} dimensions; the observation has {Size}.");
        double total = _count + n;
        for (int j = 0; j < Size; j++)
        {
            double delta = batchMean[j] - _mean[j];
            double m2 = _var[j] * _count + batchM2[j] + delta * delta * _count * n / total;
            _mean[j] += delta * n / total;
            _var[j] = m2 / total;
        }
        _count = total;
        Refresh();
    }

    /// <summary>The float32 mean and √(var + ε) that <see cref="Normalize"/> (and the exported graph) use.</summary>
    public ReadOnlySpan<float> Mean32 => _mean32;

    /// <inheritdoc cref="Mean32"/>
    public ReadOnlySpan<float> Std32 => _std32;

    /// <summary>Normalises rows of raw observations into <paramref name="output"/> (same shape).</summary>
    public void Normalize(ReadOnlySpan<float> raw, Span<float> output)
    {
        int size = Size;
        float clip = Clip;
        ReadOnlySpan<float> mean = _mean32, std = _std32;
        for (int row = 0; row < raw.Length; row += size)
            for (int j = 0; j < size; j++)
                output[row + j] = Math.Clamp((raw[row + j] - mean[j]) / std[j], -clip, clip);
    }

    public ObservationNormState Export() => new((double[])_mean.Clone(), (double[])_var.Clone(), _count, Clip, Epsilon);

    public void Restore(ObservationNormState state)
    {
        if (state.Mean.Length != Size || state.Var.Length != Size)
            throw new ArgumentException($"Normaliser state has {state.Mean.Length} dimensions; the observation has {Size}.");
        state.Mean.CopyTo(_mean, 0);
        state.Var.CopyTo(_var, 0);
        _count = state.Count;
        Refresh();
    }

    private void Refresh()
    {
        for (int j = 0; j < Size; j++)
        {
            _mean32[j] = (float)_mean[j];
            _std32[j] = (float)Math.Sqrt(_var[j] + Epsilon);
        }
    }
}
