namespace TrpoEdge.Core.Trajectories;

/// <summary>One control step as the control loop hands it to <see cref="TrajectoryWriter.Append"/>: the
/// observation the policy saw, the action it sent, the reward that followed, and the behaviour policy's
/// log-probability of that action. A ref struct over the caller's own buffers, so building one allocates
/// nothing; the writer copies the spans before <c>Append</c> returns, so the caller may reuse them at once.</summary>
public readonly ref struct StepRecord
{
    /// <param name="timestampNs">Unix time in nanoseconds when the observation was taken; 0 lets the writer
    /// stamp the time of the <c>Append</c> call.</param>
    public StepRecord(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, double reward, double logProb,
        long policyVersion, long timestampNs = 0)
    {
        Observation = observation;
        Action = action;
        Reward = reward;
        LogProb = logProb;
        PolicyVersion = policyVersion;
        TimestampNs = timestampNs;
    }

    public ReadOnlySpan<float> Observation { get; }
    /// <summary>The action actually applied (after the safety layer). A discrete action is one float holding its index.</summary>
    public ReadOnlySpan<float> Action { get; }
    public double Reward { get; }
    /// <summary>log π_behaviour(action | observation); for a deterministic policy log-prob is undefined: pass NaN.</summary>
    public double LogProb { get; }
    public long PolicyVersion { get; }
    public long TimestampNs { get; }
}
