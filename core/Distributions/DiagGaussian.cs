namespace TrpoEdge.Core.Distributions;

/// <summary>A Gaussian with diagonal covariance, parameterised by its mean μ and log standard deviation
/// log σ (one entry per action dimension). Trainer and runtime both call these, so the behaviour policy's
/// log-probability logged in the field is the one TRPO's importance ratio expects. Sums run in double.</summary>
public static class DiagGaussian
{
    /// <summary>0.5 · log(2π).</summary>
    private const double HalfLog2Pi = 0.91893853320467274178032973640562;

    /// <summary>log p(x) = −½ Σ ((xᵢ − μᵢ)/σᵢ)² − Σ log σᵢ − ½ k log 2π.</summary>
    public static double LogProb(ReadOnlySpan<float> mean, ReadOnlySpan<float> logStd, ReadOnlySpan<float> x)
    {
        CheckLengths(mean.Length, logStd.Length, x.Length, nameof(x));
        double quad = 0, logDet = 0;
        for (int i = 0; i < mean.Length; i++)
        {
            double ls = logStd[i];
            double z = (x[i] - (double)mean[i]) * Math.Exp(-ls);
            quad += z * z;
            logDet += ls;
        }
        return -0.5 * quad - logDet - mean.Length * HalfLog2Pi;
    }

    /// <summary>H = Σ (log σᵢ + ½ log(2πe)); independent of the mean.</summary>
    public static double Entropy(ReadOnlySpan<float> logStd)
    {
        double sum = 0;
        for (int i = 0; i < logStd.Length; i++) sum += logStd[i];
        return sum + logStd.Length * (HalfLog2Pi + 0.5);
    }

    /// <summary>KL(p₀ ‖ p₁) = Σ [log σ₁ − log σ₀ + (σ₀² + (μ₀ − μ₁)²) / (2σ₁²) − ½].</summary>
    public static double Kl(ReadOnlySpan<float> mean0, ReadOnlySpan<float> logStd0, ReadOnlySpan<float> mean1, ReadOnlySpan<float> logStd1)
    {
        CheckLengths(mean0.Length, logStd0.Length, mean1.Length, nameof(mean1));
        if (logStd1.Length != mean0.Length)
            throw new ArgumentException($"logStd1 has {logStd1.Length} entries but the mean has {mean0.Length}; pass one entry per action dimension.", nameof(logStd1));
        double sum = 0;
        for (int i = 0; i < mean0.Length; i++)
        {
            double ls0 = logStd0[i], ls1 = logStd1[i];
            double dm = mean0[i] - (double)mean1[i];
            // σ₀²/σ₁² as exp(2(ls0 − ls1)) avoids overflow of σ² for large log σ.
            double varRatio = Math.Exp(2.0 * (ls0 - ls1));
            sum += ls1 - ls0 + 0.5 * (varRatio + dm * dm * Math.Exp(-2.0 * ls1)) - 0.5;
        }
        return sum;
    }

    /// <summary>xᵢ = μᵢ + σᵢ · εᵢ for the standard normal deviates <paramref name="standardNormal"/> (one per
    /// dimension). The caller draws them (trainer and runtime from the same generator type) so that this contract
    /// library stays free of a random-number generator.</summary>
    public static void Sample(ReadOnlySpan<float> mean, ReadOnlySpan<float> logStd, ReadOnlySpan<double> standardNormal, Span<float> x)
    {
        CheckLengths(mean.Length, logStd.Length, x.Length, nameof(x));
        if (standardNormal.Length != mean.Length)
            throw new ArgumentException($"standardNormal has {standardNormal.Length} entries but the mean has {mean.Length}; pass one deviate per action dimension.", nameof(standardNormal));
        for (int i = 0; i < mean.Length; i++)
            x[i] = (float)(mean[i] + Math.Exp(logStd[i]) * standardNormal[i]);
    }

    private static void CheckLengths(int mean, int logStd, int other, string otherName)
    {
        if (logStd != mean)
            throw new ArgumentException($"logStd has {logStd} entries but the mean has {mean}; pass one entry per action dimension.", "logStd");
        if (other != mean)
            throw new ArgumentException($"{otherName} has {other} entries but the mean has {mean}; pass one entry per action dimension.", otherName);
    }
}
