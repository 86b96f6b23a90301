using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Algorithms;

/// <summary>What one policy step reads: N samples of normalised observations, the actions taken, the
/// behaviour policy's log-probabilities of those actions, and (normalised) advantages. Spans view the
/// rollout buffer; nothing is copied.</summary>
public readonly ref struct PolicyBatch
{
    public PolicyBatch(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<double> behaviourLogProb, ReadOnlySpan<float> advantages, int count)
    {
        Observations = observations;
        Actions = actions;
        BehaviourLogProb = behaviourLogProb;
        Advantages = advantages;
        Count = count;
    }

    public ReadOnlySpan<float> Observations { get; }
    public ReadOnlySpan<float> Actions { get; }
    public ReadOnlySpan<double> BehaviourLogProb { get; }
    public ReadOnlySpan<float> Advantages { get; }
    public int Count { get; }

    /// <summary>The importance-weighted surrogate L(θ) = 1/N Σ π_θ(a|s)/π_b(a|s) · Â (Schulman et al. 2015, eq. 14)
    /// for <paramref name="outputs"/>, the policy's distribution parameters at θ on this batch.
    /// <paramref name="logProb"/> is scratch of at least <see cref="Count"/> elements.</summary>
    public double Surrogate(MlpPolicy policy, ReadOnlySpan<float> outputs, Span<double> logProb)
    {
        policy.LogProb(outputs, Actions, Count, logProb);
        double s = 0;
        for (int i = 0; i < Count; i++) s += Math.Exp(logProb[i] - BehaviourLogProb[i]) * Advantages[i];
        return s / Count;
    }
}
