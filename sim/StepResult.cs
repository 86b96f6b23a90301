namespace TrpoEdge.Sim;

/// <summary>What one environment step returns besides the observation (written into the caller's span).
/// <see cref="Terminated"/>: a terminal state of the MDP (no bootstrap).
/// <see cref="Truncated"/>: cut by the time limit (bootstrap with V(final observation)).</summary>
public readonly record struct StepResult(double Reward, bool Terminated, bool Truncated)
{
    public bool Done => Terminated || Truncated;
}
