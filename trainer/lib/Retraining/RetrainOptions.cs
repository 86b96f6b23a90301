using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Settings of `trainer retrain`. The algorithm's own hyperparameters (γ, λ, δ, CG, critic) come from the
/// checkpoint's stored options.</summary>
public sealed record RetrainOptions
{
    /// <summary>TRPO updates taken on the logged batch. Each is an importance-weighted step inside the trust region
    /// around the then-current policy AND inside the behaviour trust region (<see cref="BehaviourKl"/>).</summary>
    public int Updates { get; init; } = 10;
    /// <summary>How many accepted updates behind the checkpoint the acting policy of an episode may be (0 = on-policy
    /// data only). Lag is the checkpoint's policy version minus the episode's acting policy version.</summary>
    public int MaxPolicyLag { get; init; } = 30;
    /// <summary>The behaviour trust region: the largest mean KL(μ ‖ π_new) allowed between any logged episode's
    /// acting policy μ and the retrained policy, over all updates of the retrain together.</summary>
    public double BehaviourKl { get; init; } = 0.2;
    /// <summary>c̄: the truncation of the per-decision importance weights in the traces of the advantages and value
    /// targets (Retrace / V-trace). 1 keeps on-policy data exactly GAE.</summary>
    public double TraceClip { get; init; } = 1.0;
    /// <summary>ρ̄: the truncation of the weight on each TD error in the value targets (V-trace); at least c̄.</summary>
    public double ValueClip { get; init; } = 1.0;
    /// <summary>δ of each update's own trust region KL(π_θ ‖ π_new) ≤ δ; null: the checkpoint's target_kl. Smaller steps
    /// re-linearise more often inside the same behaviour region.</summary>
    public double? TargetKl { get; init; }
    /// <summary>Keep the policy's log σ (a Gaussian policy's state-independent head) as the checkpoint has it: the whole
    /// behaviour-KL budget then moves the mean — the deterministic action — and the next field round explores as much
    /// as this one did.</summary>
    public bool FreezeLogStd { get; init; }
    /// <summary>Fresh simulated steps mixed into every update (0 = field data only).</summary>
    public int SimSteps { get; init; }
    /// <summary>The rig file the simulated steps ran on when it is not the checkpoint's own (an identified rig), recorded
    /// in the new checkpoint's metadata (<c>retrain.sim_rig</c>) so the result says what it was trained on.</summary>
    public string? SimulatorRig { get; init; }
    public ulong Seed { get; init; }
    /// <summary>Stop updating (before any update, the first included) when the effective sample size of the
    /// importance weights falls below this fraction of the batch: the data no longer says much about the current policy.</summary>
    public double MinEffectiveSampleFraction { get; init; } = 0.25;
    /// <summary>Rounds of (targets → critic fit) on the field data before the first policy step. The critic was
    /// fitted to the plant the checkpoint trained on; on a different plant its values are wrong, and advantages from
    /// a wrong critic point the first policy steps the wrong way.</summary>
    public int CriticWarmupRounds { get; init; } = 3;
    /// <summary>The improvement guard (null: off). After the updates the retrain keeps the accepted iterate whose
    /// estimated improvement on the field data (<see cref="ImprovementEstimate"/>) has the highest lower bound
    /// gain − z·SE, with z this value; when no iterate's bound is above 0 — the acting policy's own — nothing is
    /// written (the policy stays as it was). It uses only the logged data, as a real user has it.</summary>
    public double? ImprovementGuard { get; init; }

    public void Validate()
    {
        TrpoOptions.Require(Updates >= 1 && Updates <= 10_000, nameof(Updates), Updates, "between 1 and 10000, e.g. 10");
        TrpoOptions.Require(MaxPolicyLag >= 0, nameof(MaxPolicyLag), MaxPolicyLag, ">= 0, e.g. 30");
        TrpoOptions.Require(BehaviourKl > 0 && BehaviourKl < 10, nameof(BehaviourKl), BehaviourKl, "in (0, 10), e.g. 0.2");
        TrpoOptions.Require(TraceClip > 0 && double.IsFinite(TraceClip), nameof(TraceClip), TraceClip, "> 0, e.g. 1");
        TrpoOptions.Require(ValueClip >= TraceClip && double.IsFinite(ValueClip), nameof(ValueClip), ValueClip, $">= TraceClip ({TraceClip}), e.g. 1");
        if (TargetKl is double kl) TrpoOptions.Require(kl > 0 && kl < 1, nameof(TargetKl), kl, "in (0, 1), e.g. 0.01");
        TrpoOptions.Require(SimSteps >= 0, nameof(SimSteps), SimSteps, ">= 0");
        TrpoOptions.Require(CriticWarmupRounds >= 0 && CriticWarmupRounds <= 100, nameof(CriticWarmupRounds), CriticWarmupRounds, "between 0 and 100, e.g. 3");
        if (ImprovementGuard is double z) TrpoOptions.Require(z >= 0 && z <= 10, nameof(ImprovementGuard), z, "in [0, 10], e.g. 1");
        TrpoOptions.Require(MinEffectiveSampleFraction >= 0 && MinEffectiveSampleFraction < 1, nameof(MinEffectiveSampleFraction), MinEffectiveSampleFraction, "in [0, 1), e.g. 0.25");
    }
}
