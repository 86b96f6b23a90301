using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>One retrain update: the policy step, what the importance weights looked like before it, and the largest
/// mean KL to the behaviour policies after it.</summary>
public sealed record RetrainReport(int Update, PolicyStepReport Policy, double ValueLoss, double RatioMean, double RatioMax, double EffectiveSampleFraction, int FieldSteps, int SimSteps)
{
    public double BehaviourKl { get; init; }
    /// <summary>With the improvement guard on: the field data's estimate of the gain over the acting policies after this
    /// update, and its standard error (<see cref="ImprovementEstimate"/>); NaN without the guard.</summary>
    public double ImprovementGain { get; init; } = double.NaN;
    public double ImprovementStandardError { get; init; } = double.NaN;
}
