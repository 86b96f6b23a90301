using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Constraints;

/// <summary>Settings of the KL-penalty variant: maximise L(θ) − β·mean KL(π_old ‖ π_θ) with Adam. The target KL
/// that β adapts towards is the trust-region radius δ (<see cref="TrpoOptions.TargetKl"/>), so both variants aim at
/// the same step size. Defaults follow the adaptive-KL variant of Schulman et al. 2017 (PPO paper, §4).</summary>
public sealed record KlPenaltyOptions
{
    /// <summary>Passes over the batch per update.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Adam's learning rate for the policy.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>β of the first update; afterwards ×2 when KL &gt; 1.5δ and ÷2 when KL &lt; δ/1.5.</summary>
    public double BetaInit { get; init; } = 1.0;

    /// <summary>Rows per Adam step (clamped to the batch).</summary>
    public int MinibatchSize { get; init; } = 64;

    public void Validate()
    {
        TrpoOptions.Require(Epochs >= 1 && Epochs <= 1000, "penalty_epochs", Epochs, "between 1 and 1000, e.g. 10");
        TrpoOptions.Require(LearningRate > 0 && LearningRate < 1, "penalty_lr", LearningRate, "in (0, 1), e.g. 3e-4");
        TrpoOptions.Require(BetaInit >= KlPenaltyStep.MinBeta && BetaInit <= KlPenaltyStep.MaxBeta, "penalty_beta_init", BetaInit,
            $"in [{KlPenaltyStep.MinBeta:G}, {KlPenaltyStep.MaxBeta:G}], e.g. 1");
        TrpoOptions.Require(MinibatchSize >= 1, "penalty_batch_size", MinibatchSize, ">= 1, e.g. 64");
    }
}
