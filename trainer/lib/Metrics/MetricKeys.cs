namespace TrpoEdge.Trainer.Metrics;

/// <summary>
/// The namespaced diagnostic keys (issue 3, "Diagnostics"). The prefixes group the curves in
/// TensorBoard the way Stable-Baselines3 does, so runs are comparable side by side.
/// </summary>
public static class MetricKeys
{
    public const string RolloutEpReturnMean = "rollout/ep_return_mean";
    public const string RolloutEpLenMean = "rollout/ep_len_mean";
    public const string TrainSurrogateLoss = "train/surrogate_loss";
    public const string TrainValueLoss = "train/value_loss";
    public const string TrainKlDivergence = "train/kl_divergence";
    public const string TrainEntropy = "train/entropy";
    public const string TrainImprovementActual = "train/improvement_actual";
    public const string TrainImprovementExpected = "train/improvement_expected";
    public const string TrainLineSearchSuccess = "train/line_search_success";
    public const string TrainLineSearchSteps = "train/line_search_steps";
    public const string TrainExplainedVariance = "train/explained_variance";
    public const string TrainStd = "train/std";
    public const string TrainBeta = "train/beta";
    /// <summary>Conjugate-gradient iterations of the policy step, its final squared residual ‖g − (F + cI)s‖², the
    /// maximal step β = √(2δ / sᵀ(F + cI)s), and the length ‖θ_new − θ_old‖ of the step taken (0 when rejected).</summary>
    public const string TrainCgIterations = "train/cg_iterations";
    public const string TrainCgResidual = "train/cg_residual";
    public const string TrainMaxStep = "train/max_step";
    public const string TrainStepLength = "train/step_length";
    /// <summary>Retraining: the largest mean KL(π_behaviour ‖ π) over the logged acting policies after the update,
    /// the importance weights' effective sample size as a fraction of the batch, and their largest value.</summary>
    public const string TrainBehaviourKl = "train/behaviour_kl";
    public const string TrainEffectiveSampleFraction = "train/effective_sample_fraction";
    public const string TrainRatioMax = "train/ratio_max";
    public const string TimeStepsPerSecond = "time/steps_per_s";
    public const string TimeTotalSteps = "time/total_steps";
    public const string EvalReturnMean = "eval/return_mean";
    public const string EvalReturnStd = "eval/return_std";

    /// <summary>Every key above, in a stable order: the default CSV column set.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        RolloutEpReturnMean,
        RolloutEpLenMean,
        TrainSurrogateLoss,
        TrainValueLoss,
        TrainKlDivergence,
        TrainEntropy,
        TrainImprovementActual,
        TrainImprovementExpected,
        TrainLineSearchSuccess,
        TrainLineSearchSteps,
        TrainExplainedVariance,
        TrainStd,
        TrainBeta,
        TrainCgIterations,
        TrainCgResidual,
        TrainMaxStep,
        TrainStepLength,
        TrainBehaviourKl,
        TrainEffectiveSampleFraction,
        TrainRatioMax,
        TimeStepsPerSecond,
        TimeTotalSteps,
        EvalReturnMean,
        EvalReturnStd,
    ];
}
