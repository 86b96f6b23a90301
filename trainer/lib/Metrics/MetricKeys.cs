namespace TrpoEdge.Trainer.Metrics;

/// <summary>
/// The namespaced diagnostic keys (the diagnostics listed in README.md). The prefixes group the curves in
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
        TimeStepsPerSecond,
        TimeTotalSteps,
        EvalReturnMean,
        EvalReturnStd,
    ];
}
