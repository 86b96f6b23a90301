using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>One retrain update: the policy step, what the importance weights looked like before it, and the largest
/// mean KL to the behaviour policies after it.</summary>
public sealed record RetrainReport(int Update, PolicyStepReport Policy, double ValueLoss, double RatioMean, double RatioMax, double EffectiveSampleFraction, int FieldSteps, int SimSteps)
{
    public double BehaviourKl { get; init; }
}
