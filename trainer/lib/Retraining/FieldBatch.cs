using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Normalization;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Logged field episodes, concatenated. Each episode contributes its trainable steps (those whose next
/// observation is known) and one bootstrap observation: the episode is terminated only when it completed in a
/// terminal state; an episode cut by the time limit or by a crash is treated as truncated and bootstrapped with V.</summary>
public sealed class FieldBatch
{
    public FieldBatch(int observationSize, int actionSize, float[] rawObservations, float[] actions, double[] behaviourLogProb,
        double[] rewards, int[] episodeStarts, bool[] episodeTerminated, float[] bootstrapObservations, IReadOnlyList<FieldEpisodeRange> provenance)
    {
        ObservationSize = observationSize;
        ActionSize = actionSize;
        RawObservations = rawObservations;
        Actions = actions;
        BehaviourLogProb = behaviourLogProb;
        Rewards = rewards;
        EpisodeStarts = episodeStarts;
        EpisodeTerminated = episodeTerminated;
        BootstrapObservations = bootstrapObservations;
        Provenance = provenance;
        Observations = new float[rawObservations.Length];
        Values = new float[Count];
        NextValues = new float[Count];
        Advantages = new float[Count];
        Returns = new float[Count];
        Terminated = new bool[Count];
        EpisodeEnded = new bool[Count];
        for (int e = 0; e < Episodes; e++)
        {
            int last = EpisodeEnd(e) - 1;
            EpisodeEnded[last] = true;
            Terminated[last] = episodeTerminated[e];
        }
    }

    public int ObservationSize { get; }
    public int ActionSize { get; }
    public int Count => Rewards.Length;
    public int Episodes => EpisodeStarts.Length;
    public float[] RawObservations { get; }
    public float[] Actions { get; }
    public double[] BehaviourLogProb { get; }
    public double[] Rewards { get; }
    public int[] EpisodeStarts { get; }
    public bool[] EpisodeTerminated { get; }
    /// <summary>Raw observation after each episode's last trainable step [Episodes × ObservationSize].</summary>
    public float[] BootstrapObservations { get; }
    public IReadOnlyList<FieldEpisodeRange> Provenance { get; }
    /// <summary>Normalised with the checkpoint's frozen statistics.</summary>
    public float[] Observations { get; }
    public float[] Values { get; }
    public float[] NextValues { get; }
    public float[] Advantages { get; }
    public float[] Returns { get; }
    public bool[] Terminated { get; }
    public bool[] EpisodeEnded { get; }

    public int EpisodeEnd(int episode) => episode + 1 < Episodes ? EpisodeStarts[episode + 1] : Count;

    /// <summary>Normalises observations, predicts values, and computes GAE exactly as for simulated rollouts.</summary>
    public void ComputeAdvantages(ObservationNormalizer normalizer, ValueFunction critic, TrpoOptions options)
    {
        normalizer.Normalize(RawObservations, Observations);
        critic.Predict(Observations, Count, Values);
        var bootstrapNormalized = new float[BootstrapObservations.Length];
        normalizer.Normalize(BootstrapObservations, bootstrapNormalized);
        var bootstrapValues = new float[Episodes];
        critic.Predict(bootstrapNormalized, Episodes, bootstrapValues);
        for (int e = 0; e < Episodes; e++)
        {
            int start = EpisodeStarts[e], end = EpisodeEnd(e);
            for (int t = start; t < end - 1; t++) NextValues[t] = Values[t + 1];
            NextValues[end - 1] = EpisodeTerminated[e] ? 0f : bootstrapValues[e];
            int n = end - start;
            Gae.Compute(Rewards.AsSpan(start, n), Values.AsSpan(start, n), NextValues.AsSpan(start, n),
                Terminated.AsSpan(start, n), EpisodeEnded.AsSpan(start, n), options.Gamma, options.GaeLambda, Advantages.AsSpan(start, n));
        }
        for (int i = 0; i < Count; i++) Returns[i] = Advantages[i] + Values[i];
    }
}
