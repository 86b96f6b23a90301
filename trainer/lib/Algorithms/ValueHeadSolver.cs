using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Algorithms;

/// <summary>Refits the critic's output layer in closed form: V(s) = w·φ(s) + b is linear in (w, b) for the last
/// hidden layer's features φ, so the regression the Adam epochs approach has an exact minimiser on the batch,
///   (w, b) = argmin ½·1/N Σ (w·φ_i + b − t_i)² + ½·λ·‖w − w₀‖²,
/// a ridge regression pulled towards the fitted head w₀ (so directions the batch does not excite keep what earlier
/// batches taught). With centred features Φ_c and targets t_c: (Φ_cᵀΦ_c/N + λI)·w = Φ_cᵀt_c/N + λ·w₀,
/// b = t̄ − φ̄·w, solved by Cholesky in double. The features are centred in float before the Gram product (one GEMM),
/// so saturated tanh units (mean near ±1, tiny variance) lose nothing to cancellation. Buffers grow to the largest
/// batch and are reused: steady-state calls allocate nothing.</summary>
public sealed class ValueHeadSolver
{
    private readonly Mlp _net;
    private readonly int _h;
    private readonly float[] _gramF, _rhsF;
    private readonly double[] _gram, _rhs, _mean;
    private float[] _features = [], _centredTargets = [], _chunkOut = [];

    public ValueHeadSolver(Mlp network)
    {
        if (network.OutputSize != 1)
            throw new ArgumentException($"The closed-form head fits a value network with one output; this one has {network.OutputSize}.", nameof(network));
        if (network.LayerCount < 2)
            throw new ArgumentException("The closed-form head needs at least one hidden layer (its features); this network is linear.", nameof(network));
        _net = network;
        _h = network.LayerInputs(network.LayerCount - 1);
        _gramF = new float[_h * _h];
        _rhsF = new float[_h];
        _gram = new double[_h * _h];
        _rhs = new double[_h];
        _mean = new double[_h];
    }

    /// <summary>Rows per forward pass while gathering features (bounds the network's activation cache).</summary>
    public const int Chunk = 4096;

    /// <summary>Solves for the head on <paramref name="count"/> rows and writes it into the network. Returns the mean
    /// squared error 1/N Σ (V − t)² of the new head on these rows, or NaN when the system could not be factorised
    /// (non-finite features or targets), in which case the head is left as it was.</summary>
    public double Solve(ReadOnlySpan<float> observations, ReadOnlySpan<float> targets, int count, double ridge)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "The closed-form head needs at least one row.");
        if (!(ridge > 0) || !double.IsFinite(ridge))
            throw new ArgumentOutOfRangeException(nameof(ridge), ridge, "The head's ridge must be a finite number > 0, e.g. 1e-3 (it keeps the system positive definite).");
        int h = _h, d = _net.InputSize, last = _net.LayerCount - 1;
        if (_centredTargets.Length < count)
        {
            _features = new float[count * h];
            _centredTargets = new float[count];
        }
        if (_chunkOut.Length < Math.Min(Chunk, count)) _chunkOut = new float[Math.Min(Chunk, count)];

        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            _net.Forward(observations.Slice(start * d, n * d), n, _chunkOut.AsSpan(0, n));
            _net.CachedActivations(last)[..(n * h)].CopyTo(_features.AsSpan(start * h, n * h));
        }

        // Means in double; centre features and targets in place (float).
        Array.Clear(_mean);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> row = _features.AsSpan(i * h, h);
            for (int j = 0; j < h; j++) _mean[j] += row[j];
        }
        double targetMean = 0, targetSq = 0;
        for (int i = 0; i < count; i++) targetMean += targets[i];
        for (int j = 0; j < h; j++) _mean[j] /= count;
        targetMean /= count;
        for (int i = 0; i < count; i++)
        {
            Span<float> row = _features.AsSpan(i * h, h);
            for (int j = 0; j < h; j++) row[j] = (float)(row[j] - _mean[j]);
            double tc = targets[i] - targetMean;
            _centredTargets[i] = (float)tc;
            targetSq += tc * tc;
        }

        // Φ_cᵀΦ_c and Φ_cᵀt_c as GEMMs over the batch.
        IComputeBackend be = _net.Backend;
        ReadOnlySpan<float> phi = _features.AsSpan(0, count * h);
        be.Gemm(true, false, h, h, count, 1f, phi, h, phi, h, 0f, _gramF, h);
        be.Gemm(true, false, h, 1, count, 1f, phi, h, _centredTargets.AsSpan(0, count), 1, 0f, _rhsF, 1);

        ReadOnlySpan<float> w0 = _net.Weight(last);
        for (int j = 0; j < h; j++)
        {
            for (int k = 0; k < h; k++) _gram[j * h + k] = (double)_gramF[j * h + k] / count;
            _gram[j * h + j] += ridge;
            _rhs[j] = (double)_rhsF[j] / count + ridge * w0[j];
        }
        if (!CholeskySolveInPlace(_gram, _rhs, h)) return double.NaN;

        Span<float> w = _net.Weight(last);
        double bias = targetMean, mse = 0;
        for (int j = 0; j < h; j++)
        {
            if (!double.IsFinite(_rhs[j])) return double.NaN;
            bias -= _mean[j] * _rhs[j];
        }
        for (int j = 0; j < h; j++) w[j] = (float)_rhs[j];
        _net.Bias(last)[0] = (float)bias;

        // The new head's error from the centred statistics (the float Gram and right-hand side, before the ridge):
        // MSE = wᵀGw − 2wᵀr + var(t).
        for (int j = 0; j < h; j++)
        {
            double gw = 0;
            for (int k = 0; k < h; k++) gw += (double)_gramF[j * h + k] / count * w[k];
            mse += w[j] * (gw - 2.0 * _rhsF[j] / count);
        }
        return Math.Max(0, mse + targetSq / count);
    }

    /// <summary>Solves A·x = b for a symmetric positive-definite A (row-major n×n, overwritten by its Cholesky factor);
    /// b is overwritten by x. Returns false when A is not positive definite (or not finite).</summary>
    public static bool CholeskySolveInPlace(double[] a, double[] b, int n)
    {
        for (int j = 0; j < n; j++)
        {
            double diag = a[j * n + j];
            for (int k = 0; k < j; k++) diag -= a[j * n + k] * a[j * n + k];
            if (!(diag > 0) || !double.IsFinite(diag)) return false;
            double l = Math.Sqrt(diag);
            a[j * n + j] = l;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
                a[i * n + j] = s / l;
            }
        }
        // L·y = b, then Lᵀ·x = y.
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= a[i * n + k] * b[k];
            b[i] = s / a[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++) s -= a[k * n + i] * b[k];
            b[i] = s / a[i * n + i];
        }
        return true;
    }
}
