using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>One retrain update: the policy step and what the importance weights looked like before it.</summary>
public sealed record RetrainReport(int Update, PolicyStepReport Policy, double ValueLoss, double RatioMean, double RatioMax, double EffectiveSampleFraction, int FieldSteps, int SimSteps);
