namespace TrpoEdge.Trainer.Algorithms;

/// <summary>Off-policy corrections of GAE with truncated per-decision importance weights, over one episode's time
/// series. ρ_t = π(a_t|s_t)/μ(a_t|s_t) is the ratio of the policy being improved to the behaviour policy that acted;
/// δ_t = r_t + γ·(terminated_t ? 0 : V_next,t) − V(s_t) as in <see cref="Gae"/>.
/// <list type="bullet">
/// <item>Policy advantage (Retrace, Munos et al. 2016, with V in place of Q):
/// Â_t = δ_t + γ·λ·min(c̄, ρ_{t+1})·Â_{t+1}. The action a_t is the one being evaluated and needs no correction; every
/// later step of the trace is cut by its truncated ratio.</item>
/// <item>Value target (V-trace, Espeholt et al. 2018, eq. 1, with the λ of their §4.2):
/// v_t − V(s_t) = min(ρ̄, ρ_t)·δ_t + γ·λ·min(c̄, ρ_t)·(v_{t+1} − V(s_{t+1})).</item>
/// </list>
/// With on-policy data (every ρ = 1) and c̄, ρ̄ ≥ 1 both reduce exactly to GAE(γ, λ) and its returns Â + V.</summary>
public static class TruncatedTraces
{
    /// <param name="ratios">ρ_t for each step.</param>
    /// <param name="traceClip">c̄, the truncation of the trace coefficients.</param>
    /// <param name="valueClip">ρ̄, the truncation of the TD-error weight in the value target (ρ̄ ≥ c̄).</param>
    /// <param name="advantages">Â_t (policy advantages).</param>
    /// <param name="valueTargets">v_t, the critic's regression targets.</param>
    public static void Compute(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<float> values,
        ReadOnlySpan<float> nextValues,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> episodeEnded,
        ReadOnlySpan<double> ratios,
        double gamma,
        double lambda,
        double traceClip,
        double valueClip,
        Span<float> advantages,
        Span<float> valueTargets)
    {
        int n = rewards.Length;
        if (values.Length != n || nextValues.Length != n || terminated.Length != n || episodeEnded.Length != n
            || ratios.Length != n || advantages.Length != n || valueTargets.Length != n)
            throw new ArgumentException($"Truncated-trace inputs must all have {n} elements.");
        double nextAdvantage = 0, nextCorrection = 0, nextTrace = 0;
        for (int t = n - 1; t >= 0; t--)
        {
            double bootstrap = terminated[t] ? 0.0 : nextValues[t];
            double delta = rewards[t] + gamma * bootstrap - values[t];
            bool chains = !(episodeEnded[t] || t == n - 1);
            double advantage = delta + (chains ? gamma * lambda * nextTrace * nextAdvantage : 0.0);
            double trace = Math.Min(traceClip, ratios[t]);
            double correction = Math.Min(valueClip, ratios[t]) * delta + (chains ? gamma * lambda * trace * nextCorrection : 0.0);
            advantages[t] = (float)advantage;
            // Rounded as the simulator path rounds Â + V, so on-policy targets are bit-identical to GAE's returns.
            valueTargets[t] = (float)correction + values[t];
            nextAdvantage = advantage;
            nextCorrection = correction;
            nextTrace = trace;
        }
    }
}
