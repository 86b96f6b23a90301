namespace TrpoEdge.Trainer.Algorithms;

/// <summary>Generalised advantage estimation (Schulman et al. 2016, eq. 16) over one environment's
/// time series, with termination and truncation kept apart.</summary>
public static class Gae
{
    /// <summary>
    /// δ_t = r_t + γ·(terminated_t ? 0 : V_next,t) − V(s_t);  Â_t = δ_t + γλ·(done_t ? 0 : Â_{t+1}).
    /// <paramref name="nextValues"/>[t] is V of the observation that followed step t: the next stored observation
    /// while the episode continues, V(final observation) when it was truncated (the time limit is not a terminal
    /// state), and V(last observation) at the end of the rollout. It is ignored where terminated.
    /// <paramref name="episodeEnded"/>[t] is true when step t ended its episode (terminated or truncated) — the
    /// recursion must not chain into the next episode. The last step of a rollout chains into nothing.
    /// </summary>
    public static void Compute(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<float> values,
        ReadOnlySpan<float> nextValues,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> episodeEnded,
        double gamma,
        double lambda,
        Span<float> advantages)
    {
        int n = rewards.Length;
        if (values.Length != n || nextValues.Length != n || terminated.Length != n || episodeEnded.Length != n || advantages.Length != n)
            throw new ArgumentException($"GAE inputs must all have {n} elements.");
        double next = 0;
        for (int t = n - 1; t >= 0; t--)
        {
            double bootstrap = terminated[t] ? 0.0 : nextValues[t];
            double delta = rewards[t] + gamma * bootstrap - values[t];
            double carry = episodeEnded[t] || t == n - 1 ? 0.0 : next;
            next = delta + gamma * lambda * carry;
            advantages[t] = (float)next;
        }
    }
}
