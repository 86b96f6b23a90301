namespace TrpoEdge.Trainer.Training;

/// <summary>Small summary statistics used in reports.</summary>
public static class Statistics
{
    public static (double Mean, double Std) MeanStd(ReadOnlySpan<double> values)
    {
        if (values.Length == 0) return (double.NaN, double.NaN);
        double mean = 0;
        foreach (double v in values) mean += v;
        mean /= values.Length;
        double var = 0;
        foreach (double v in values) var += (v - mean) * (v - mean);
        return (mean, Math.Sqrt(var / values.Length));
    }

    /// <summary>1 − Var[y − ŷ] / Var[y]: 1 is a perfect critic, 0 no better than a constant.</summary>
    public static double ExplainedVariance(ReadOnlySpan<float> predicted, ReadOnlySpan<float> target)
    {
        int n = target.Length;
        double my = 0, md = 0;
        for (int i = 0; i < n; i++) { my += target[i]; md += target[i] - predicted[i]; }
        my /= n; md /= n;
        double vy = 0, vd = 0;
        for (int i = 0; i < n; i++)
        {
            vy += (target[i] - my) * (target[i] - my);
            double d = target[i] - predicted[i] - md;
            vd += d * d;
        }
        return vy == 0 ? double.NaN : 1 - vd / vy;
    }

    /// <summary>Normalises in place to mean 0, standard deviation 1 (ε-guarded).</summary>
    public static void Standardize(Span<float> values)
    {
        double mean = 0;
        foreach (float v in values) mean += v;
        mean /= values.Length;
        double var = 0;
        foreach (float v in values) var += (v - mean) * (v - mean);
        double std = Math.Sqrt(var / values.Length) + 1e-8;
        for (int i = 0; i < values.Length; i++) values[i] = (float)((values[i] - mean) / std);
    }
}
