namespace TrpoEdge.Core.Distributions;

/// <summary>A categorical distribution given by unnormalised logits: p(a) = exp(zₐ) / Σ exp(z).
/// Every normaliser is a log-sum-exp shifted by the largest logit, so logits of any magnitude neither
/// overflow nor lose the small probabilities. A logit of −∞ masks its action. Sums run in double.</summary>
public static class Categorical
{
    /// <summary>log p(a) = z_a − logsumexp(z).</summary>
    public static double LogProb(ReadOnlySpan<float> logits, int action)
    {
        CheckAction(logits.Length, action);
        return logits[action] - LogSumExp(logits);
    }

    /// <summary>H = −Σ p log p = logsumexp(z) − Σ p·z (terms with p = 0 contribute nothing).</summary>
    public static double Entropy(ReadOnlySpan<float> logits)
    {
        double max = Max(logits, nameof(logits));
        double sum = 0, weighted = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (float.IsNegativeInfinity(logits[i])) continue;
            double shifted = logits[i] - max;
            double e = Math.Exp(shifted);
            sum += e;
            weighted += e * shifted;
        }
        // With y = z − max: H = log Σe^y − Σ e^y·y / Σ e^y.
        return Math.Log(sum) - weighted / sum;
    }

    /// <summary>KL(p₀ ‖ p₁) = Σ p₀ (log p₀ − log p₁). Infinite when p₁ masks an action that p₀ allows.</summary>
    public static double Kl(ReadOnlySpan<float> logits0, ReadOnlySpan<float> logits1)
    {
        if (logits0.Length != logits1.Length)
            throw new ArgumentException($"logits1 has {logits1.Length} entries but logits0 has {logits0.Length}; both must cover the same actions.", nameof(logits1));
        double lse0 = LogSumExp(logits0), lse1 = LogSumExp(logits1);
        double kl = 0;
        for (int i = 0; i < logits0.Length; i++)
        {
            if (float.IsNegativeInfinity(logits0[i])) continue;
            double logP0 = logits0[i] - lse0;
            double logP1 = logits1[i] - lse1;
            kl += Math.Exp(logP0) * (logP0 - logP1);
        }
        // Rounding can leave −1e-17 for identical distributions; KL is non-negative by Gibbs' inequality.
        return Math.Max(kl, 0.0);
    }

    /// <summary>Draws an action by inverting the cumulative distribution at <paramref name="uniform"/>, a uniform
    /// deviate in [0, 1) that the caller draws. Allocates nothing: the exponentials are recomputed in the second pass.</summary>
    public static int Sample(ReadOnlySpan<float> logits, double uniform)
    {
        if (!(uniform >= 0 && uniform < 1))
            throw new ArgumentOutOfRangeException(nameof(uniform), uniform, "The uniform deviate must lie in [0, 1).");
        double max = Max(logits, nameof(logits));
        double total = 0;
        for (int i = 0; i < logits.Length; i++) total += Math.Exp(logits[i] - max);
        double target = uniform * total;
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < logits.Length; i++)
        {
            double e = Math.Exp(logits[i] - max);
            if (e == 0) continue;
            cumulative += e;
            last = i;
            if (target < cumulative) return i;
        }
        // Only reachable by rounding when target lands within an ulp of total: the last possible action.
        return last;
    }

    /// <summary>Index of the largest logit; the first one on ties (the same rule as ONNX ArgMax and numpy).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty) throw new ArgumentException("Cannot take the argmax of zero logits.", nameof(logits));
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>log Σ exp(zᵢ), computed as m + log Σ exp(zᵢ − m) with m = max z.</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        double max = Max(logits, nameof(logits));
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += Math.Exp(logits[i] - max);
        return max + Math.Log(sum);
    }

    /// <summary>The largest logit; rejects empty input, NaN, +∞ and all-masked logits, which have no distribution.</summary>
    private static double Max(ReadOnlySpan<float> logits, string name)
    {
        if (logits.IsEmpty) throw new ArgumentException("A categorical distribution needs at least one logit.", name);
        float max = float.NegativeInfinity;
        for (int i = 0; i < logits.Length; i++)
        {
            float z = logits[i];
            if (float.IsNaN(z) || float.IsPositiveInfinity(z))
                throw new ArgumentException($"Logit {i} is {z}; logits must be finite or −∞ (masked). Check the policy's output for divergence.", name);
            if (z > max) max = z;
        }
        if (float.IsNegativeInfinity(max))
            throw new ArgumentException($"All {logits.Length} logits are −∞, so no action is possible.", name);
        return max;
    }

    private static void CheckAction(int count, int action)
    {
        if ((uint)action >= (uint)count)
            throw new ArgumentOutOfRangeException(nameof(action), action, $"The action must be in [0, {count}).");
    }
}
