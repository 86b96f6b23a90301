namespace TrpoEdge.Trainer.Retraining;

/// <summary>The field data's own estimate of how much a retrained policy improves on the policies that acted, and its
/// lower confidence bound: the importance-weighted surrogate gain 1/N Σ_t (ρ_t − 1)·Â_t, with ρ = π_new/μ and Â the
/// acting policies' advantages fixed before the first policy step (first-order in the policy change, as TRPO's
/// surrogate is). Its standard error treats episodes as the independent units (steps within one are correlated), so
/// it is sqrt(E/(E−1)·Σ_e (g_e − ḡ)²)/N with g_e an episode's summed gain and ḡ their mean.</summary>
public readonly record struct ImprovementEstimate(double Gain, double StandardError)
{
    /// <summary>Gain − z·SE.</summary>
    public double LowerBound(double z) => Gain - z * StandardError;

    public static ImprovementEstimate Of(ReadOnlySpan<double> ratios, ReadOnlySpan<float> advantages, ReadOnlySpan<int> episodeStarts)
    {
        int n = ratios.Length, episodes = episodeStarts.Length;
        if (advantages.Length != n) throw new ArgumentException($"{advantages.Length} advantages for {n} ratios.", nameof(advantages));
        if (episodes == 0 || n == 0) throw new ArgumentException("An improvement estimate needs at least one episode with steps.", nameof(episodeStarts));
        double total = 0, sumSq = 0;
        for (int e = 0; e < episodes; e++)
        {
            int end = e + 1 < episodes ? episodeStarts[e + 1] : n;
            double g = 0;
            for (int t = episodeStarts[e]; t < end; t++) g += (ratios[t] - 1) * advantages[t];
            total += g;
            sumSq += g * g;
        }
        double mean = total / episodes;
        double spread = episodes > 1 ? Math.Max(0, sumSq - episodes * mean * mean) * episodes / (episodes - 1) : double.PositiveInfinity;
        return new ImprovementEstimate(total / n, Math.Sqrt(spread) / n);
    }
}
