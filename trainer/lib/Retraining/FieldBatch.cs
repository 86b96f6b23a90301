using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Normalization;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Logged field episodes, concatenated. Each episode contributes its trainable steps (those whose next
/// observation is known) and one bootstrap observation: the episode is terminated only when it completed in a
/// terminal state; an episode cut by the time limit or by a crash is treated as truncated and bootstrapped with V.</summary>
public sealed class FieldBatch
{
    public FieldBatch(int observationSize, int actionSize, float[] rawObservations, float[] actions, double[] behaviourLogProb,
        double[] rewards, int[] episodeStarts, bool[] episodeTerminated, float[] bootstrapObservations, IReadOnlyList<FieldEpisodeRange> provenance,
        int[] episodeGroups, IReadOnlyList<BehaviourGroup> groups, IReadOnlyList<string>? episodeNames = null)
    {
        EpisodeNames = episodeNames ?? Enumerable.Range(0, episodeStarts.Length).Select(e => $"episode {e} of the batch").ToArray();
        if (episodeGroups.Length != episodeStarts.Length)
            throw new ArgumentException($"{episodeStarts.Length} episodes but {episodeGroups.Length} behaviour-group indices.", nameof(episodeGroups));
        EpisodeGroups = episodeGroups;
        Groups = groups;
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
    /// <summary>Index into <see cref="Groups"/> of each episode's acting policy.</summary>
    public int[] EpisodeGroups { get; }
    public IReadOnlyList<BehaviourGroup> Groups { get; }
    /// <summary>"store run R episode E" of each episode, for messages.</summary>
    public IReadOnlyList<string> EpisodeNames { get; }

    /// <summary>Largest |logged − recomputed| log-probability accepted for the checkpoint's own episodes: the ONNX model
    /// and the trainer's engine compute the same float32 network in different orders (differences near 1e-6); a model
    /// that was not exported from this checkpoint differs by far more.</summary>
    public const double LogProbTolerance = 1e-3;

    /// <summary>For the episodes the checkpoint's own policy acted in, checks the logged behaviour log-probabilities
    /// against <paramref name="checkpointLogProb"/> (the checkpoint's policy evaluated by the trainer on the same
    /// steps) and then uses the trainer's values, so on-policy ratios are exactly 1 and an on-policy retrain is
    /// exactly an on-policy TRPO update. Throws, naming the episode and step, where they disagree.</summary>
    public void AdoptCheckpointLogProbs(ReadOnlySpan<double> checkpointLogProb)
    {
        if (checkpointLogProb.Length != Count) throw new ArgumentException($"{checkpointLogProb.Length} log-probabilities for {Count} field steps.", nameof(checkpointLogProb));
        for (int e = 0; e < Episodes; e++)
        {
            if (!Groups[EpisodeGroups[e]].IsCheckpoint) continue;
            for (int i = EpisodeStarts[e]; i < EpisodeEnd(e); i++)
                if (!(Math.Abs(BehaviourLogProb[i] - checkpointLogProb[i]) <= LogProbTolerance))
                    throw new InvalidDataException($"{EpisodeNames[e]} step {i - EpisodeStarts[e]}: the logged behaviour log-probability {BehaviourLogProb[i]:G9} differs from this checkpoint's own {checkpointLogProb[i]:G9} for the same observation and action, although the episode names this checkpoint as its acting policy. The model that acted was not exported from this checkpoint, or the log is damaged; retrain from the checkpoint that really acted.");
        }
        for (int e = 0; e < Episodes; e++)
        {
            if (!Groups[EpisodeGroups[e]].IsCheckpoint) continue;
            for (int i = EpisodeStarts[e]; i < EpisodeEnd(e); i++) BehaviourLogProb[i] = checkpointLogProb[i];
        }
    }
    /// <summary>Normalised with the checkpoint's frozen statistics.</summary>
    public float[] Observations { get; }
    public float[] Values { get; }
    public float[] NextValues { get; }
    public float[] Advantages { get; }
    public float[] Returns { get; }
    public bool[] Terminated { get; }
    public bool[] EpisodeEnded { get; }

    public int EpisodeEnd(int episode) => episode + 1 < Episodes ? EpisodeStarts[episode + 1] : Count;

    /// <summary>Normalises observations, predicts values, and computes the policy advantages and value targets with
    /// truncated per-decision importance weights (<see cref="TruncatedTraces"/>): <paramref name="ratios"/> are
    /// π_current/π_behaviour per step. With on-policy data (all ratios 1) this is exactly GAE, as for simulated
    /// rollouts.</summary>
    public void ComputeAdvantages(ObservationNormalizer normalizer, ValueFunction critic, TrpoOptions options, ReadOnlySpan<double> ratios, double traceClip, double valueClip)
    {
        if (ratios.Length != Count) throw new ArgumentException($"{ratios.Length} ratios for {Count} field steps.", nameof(ratios));
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
            TruncatedTraces.Compute(Rewards.AsSpan(start, n), Values.AsSpan(start, n), NextValues.AsSpan(start, n),
                Terminated.AsSpan(start, n), EpisodeEnded.AsSpan(start, n), ratios.Slice(start, n), options.Gamma, options.GaeLambda,
                traceClip, valueClip, Advantages.AsSpan(start, n), Returns.AsSpan(start, n));
        }
    }
}
