using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Training;

/// <summary>What one training iteration did, for the console and the metrics sinks.</summary>
public sealed record UpdateReport(
    int Update,
    long TotalSteps,
    double EpisodeReturnMean,
    double EpisodeLengthMean,
    PolicyStepReport Policy,
    double ValueLoss,
    double ExplainedVariance,
    double Std,
    double StepsPerSecond,
    double? EvalReturnMean,
    double? EvalReturnStd)
{
    /// <summary>Seconds spent collecting, computing values and advantages, in the policy step, and fitting the critic.</summary>
    public PhaseTimes Phases { get; init; }
}
