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
}
