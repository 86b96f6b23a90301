namespace TrpoEdge.Core.Trajectories;

/// <summary>One episode read back from a store, its steps as flat arrays (row-major, one row per step).
/// <para>How to train on it: use the first <see cref="TrainableLength"/> steps; the value after the last of them is
/// 0 when <see cref="BootstrapsAtEnd"/> is false (a terminal state) and V(<see cref="BootstrapObservation"/>)
/// otherwise. For a complete episode that is every step and its <see cref="FinalObservation"/>. For an
/// <see cref="EpisodeStatus.Incomplete"/> episode (cut by a crash) the observation after the last logged step was
/// never stored, so the last step is DROPPED and the episode is treated as truncated, bootstrapping from the last
/// logged observation, which is exactly the observation that followed the step before it.</para></summary>
public sealed class EpisodeData
{
    public required RunRecord Run { get; init; }
    public required long Id { get; init; }
    public required int IndexInRun { get; init; }
    public required EpisodeStatus Status { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>Reached a terminal state (no bootstrap). False for an incomplete episode.</summary>
    public required bool Terminated { get; init; }
    /// <summary>Cut by a time or safety limit. False for an incomplete episode, which is nonetheless trained on as truncated.</summary>
    public required bool Truncated { get; init; }
    /// <summary>[Length * ObservationSize] observations the policy acted on.</summary>
    public required float[] Observations { get; init; }
    /// <summary>[Length * ActionSize] actions applied (a discrete action is its index as a float).</summary>
    public required float[] Actions { get; init; }
    public required double[] Rewards { get; init; }
    /// <summary>Behaviour policy log-probabilities; NaN where the acting policy was deterministic.</summary>
    public required double[] LogProbs { get; init; }
    public required long[] PolicyVersions { get; init; }
    /// <summary>The policy that acted in this episode as the store records it; null when the store does not record
    /// one (a version-1 store). See <see cref="ActingPolicy"/>.</summary>
    public ActingPolicy? Policy { get; init; }
    /// <summary>Unix nanoseconds when each observation was taken.</summary>
    public required long[] TimestampsNs { get; init; }
    /// <summary>The observation after the last step; null when unknown (incomplete episode, or no steps).</summary>
    public float[]? FinalObservation { get; init; }

    public int Length => Rewards.Length;
    public int ObservationSize => Run.ObservationSize;
    public int ActionSize => Run.ActionSize;
    /// <summary>Sum of the rewards.</summary>
    public double Return => Rewards.Sum();

    public ReadOnlySpan<float> Observation(int t) => Observations.AsSpan(t * ObservationSize, ObservationSize);
    public ReadOnlySpan<float> Action(int t) => Actions.AsSpan(t * ActionSize, ActionSize);

    /// <summary>Steps whose next observation is known: all of them when the final observation is stored, else all but the last.</summary>
    public int TrainableLength => FinalObservation is not null ? Length : Math.Max(0, Length - 1);

    /// <summary>False only for an episode that ended in a terminal state (its value after the last step is 0).</summary>
    public bool BootstrapsAtEnd => !(Status == EpisodeStatus.Complete && Terminated);

    /// <summary>The observation that followed step <see cref="TrainableLength"/> - 1; empty when the episode has no trainable step.</summary>
    public ReadOnlySpan<float> BootstrapObservation =>
        FinalObservation is not null ? FinalObservation
        : TrainableLength > 0 ? Observation(TrainableLength)
        : ReadOnlySpan<float>.Empty;
}
