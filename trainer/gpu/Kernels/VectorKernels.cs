using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>BLAS-1 and reductions over device vectors, with the managed engine's rounding: float elements, double
/// scalars, dot products accumulated in double (in a different order, so equal within rounding).</summary>
internal static class VectorKernels
{
    /// <summary>Partial p of Σ a_k·b_k over k ≡ p (mod parts), in double; strided so neighbouring threads read
    /// neighbouring elements.</summary>
    public static void DotPartial(Index1D p, ArrayView<float> a, ArrayView<float> b, ArrayView<double> partials, int n, int parts)
    {
        double s = 0;
        for (int k = p; k < n; k += parts) s += (double)a[k] * b[k];
        partials[p] = s;
    }

    /// <summary>Partial p of Σ_k x[offset + k·stride] for k &lt; n (k ≡ p mod parts).</summary>
    public static void SumPartial(Index1D p, ArrayView<double> x, ArrayView<double> partials, int n, int parts, int offset, int stride)
    {
        double s = 0;
        for (int k = p; k < n; k += parts) s += x[offset + (long)k * stride];
        partials[p] = s;
    }

    /// <summary>Partial p of Σ_k f[offset + k·stride] for float data, accumulated in double.</summary>
    public static void SumFloatPartial(Index1D p, ArrayView<float> x, ArrayView<double> partials, int n, int parts, int offset, int stride)
    {
        double s = 0;
        for (int k = p; k < n; k += parts) s += x[offset + (long)k * stride];
        partials[p] = s;
    }

    /// <summary>Partial p of Σ_k (x[offset + k·stride] − mean)², for the normaliser's second moment.</summary>
    public static void SquaredDeviationPartial(Index1D p, ArrayView<float> x, ArrayView<double> partials, int n, int parts, int offset, int stride, double mean)
    {
        double s = 0;
        for (int k = p; k < n; k += parts)
        {
            double d = x[offset + (long)k * stride] - mean;
            s += d * d;
        }
        partials[p] = s;
    }

    /// <summary>One thread: result[slot] = Σ partials (the second stage of every reduction).</summary>
    public static void FinishSum(Index1D index, ArrayView<double> partials, ArrayView<double> result, int parts, int slot)
    {
        double s = 0;
        for (int p = 0; p < parts; p++) s += partials[p];
        result[slot] = s;
    }

    /// <summary>y ← y + (float)(α·x).</summary>
    public static void Axpy(Index1D i, double alpha, ArrayView<float> x, ArrayView<float> y) => y[i] += (float)(alpha * x[i]);

    /// <summary>d ← (float)(x + α·y), the sum in double.</summary>
    public static void Combine(Index1D i, ArrayView<float> d, ArrayView<float> x, double alpha, ArrayView<float> y) => d[i] = (float)(x[i] + alpha * y[i]);

    /// <summary>x ← (float)(α·x).</summary>
    public static void Scale(Index1D i, double alpha, ArrayView<float> x) => x[i] = (float)(alpha * x[i]);

    /// <summary>One Adam step, the managed loop's float arithmetic with the host's scalars.</summary>
    public static void Adam(Index1D i, ArrayView<float> parameters, ArrayView<float> gradient, ArrayView<float> m, ArrayView<float> v,
        float beta1, float beta2, float step, float epsilon)
    {
        float g = gradient[i];
        float mi = beta1 * m[i] + (1 - beta1) * g;
        float vi = beta2 * v[i] + (1 - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        parameters[i] -= step * mi / (MathF.Sqrt(vi) + epsilon);
    }

    /// <summary>x ← (float)((x − mean)/std) (advantage standardisation).</summary>
    public static void Standardize(Index1D i, ArrayView<float> x, double mean, double std) => x[i] = (float)((x[i] - mean) / std);
}
