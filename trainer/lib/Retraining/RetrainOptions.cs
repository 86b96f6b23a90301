using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Settings of `trainer retrain`. The algorithm's own hyperparameters (δ, CG, critic) come from the
/// checkpoint's stored options unless overridden.</summary>
public sealed record RetrainOptions
{
    /// <summary>TRPO updates taken on the logged batch. Each is an importance-weighted step inside the trust region
    /// around the then-current policy; the ratios to the logged behaviour policy are recomputed every time.</summary>
    public int Updates { get; init; } = 10;
    /// <summary>How many accepted updates behind the checkpoint the acting policy may be (0 = on-policy data only).
    /// Importance weights of older data have growing variance; see README "Retraining from the field".</summary>
    public int MaxPolicyLag { get; init; } = 3;
    /// <summary>Fresh simulated steps mixed into every update (0 = field data only).</summary>
    public int SimSteps { get; init; }
    public ulong Seed { get; init; }
    /// <summary>Stop updating when the effective sample size of the importance weights falls below this fraction
    /// of the batch: the data no longer says much about the current policy.</summary>
    public double MinEffectiveSampleFraction { get; init; } = 0.25;
    /// <summary>Rounds of (GAE targets → critic fit) on the field data before the first policy step. The critic was
    /// fitted to the plant the checkpoint trained on; on a different plant its values are wrong, and advantages from
    /// a wrong critic point the first policy steps the wrong way.</summary>
    public int CriticWarmupRounds { get; init; } = 3;

    public void Validate()
    {
        TrpoOptions.Require(Updates >= 1 && Updates <= 10_000, nameof(Updates), Updates, "between 1 and 10000, e.g. 10");
        TrpoOptions.Require(MaxPolicyLag >= 0, nameof(MaxPolicyLag), MaxPolicyLag, ">= 0, e.g. 3");
        TrpoOptions.Require(SimSteps >= 0, nameof(SimSteps), SimSteps, ">= 0");
        TrpoOptions.Require(CriticWarmupRounds >= 0 && CriticWarmupRounds <= 100, nameof(CriticWarmupRounds), CriticWarmupRounds, "between 0 and 100, e.g. 3");
        TrpoOptions.Require(MinEffectiveSampleFraction >= 0 && MinEffectiveSampleFraction < 1, nameof(MinEffectiveSampleFraction), MinEffectiveSampleFraction, "in [0, 1), e.g. 0.25");
    }
}
