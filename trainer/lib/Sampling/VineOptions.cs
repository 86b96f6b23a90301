using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Sampling;

/// <summary>Vine sampling's settings (Schulman et al. 2015, §5.2). The trunk is the ordinary rollout batch
/// (n_envs × n_steps); these choose the rollout set and the branches grown from it.</summary>
public sealed record VineOptions
{
    /// <summary>N: states of the trunk in the rollout set, spread over the batch by stratified sampling.</summary>
    public int States { get; init; } = 128;

    /// <summary>K: actions sampled from π_old per state for Box actions. Discrete actions ignore it: every action is
    /// branched, and the surrogate is the exact sum over actions.</summary>
    public int Actions { get; init; } = 4;

    /// <summary>T: environment steps per branch (the first with the branch's own action, then the policy's).</summary>
    public int Horizon { get; init; } = 20;

    /// <summary>Adds γᵀ·V(s_T) to a branch still running after T steps (and γᵗ·V(final observation) to one cut by
    /// the time limit), so a short horizon still sees the long-term effect of its action through the critic.
    /// Without it Q̂ is the plain truncated return the paper used.</summary>
    public bool Bootstrap { get; init; } = true;

    /// <param name="trunkSteps">The trunk batch (n_envs × n_steps) the rollout set is drawn from.</param>
    public void Validate(int trunkSteps)
    {
        TrpoOptions.Require(States >= 1 && States <= trunkSteps, "vine_states", States,
            $"between 1 and the trunk batch ({trunkSteps} = n_envs × n_steps), e.g. {Math.Min(128, trunkSteps)}");
        TrpoOptions.Require(Actions >= 2 && Actions <= 1024, "vine_actions", Actions,
            "between 2 and 1024 (the per-state baseline is the mean over the K branches, so one branch has no advantage), e.g. 4");
        TrpoOptions.Require(Horizon >= 1 && Horizon <= 100_000, "vine_horizon", Horizon, "between 1 and 100000 steps, e.g. 20");
    }
}
