using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Metrics;

/// <summary>Turns an update's reports into one metrics row. Training on the CPU, training on the GPU and retraining
/// all log through here, so a key means the same thing (and is present) whichever loop wrote it.</summary>
public static class UpdateMetrics
{
    /// <summary>The policy step's figures: surrogate, KL, entropy, the line search and the conjugate gradient.</summary>
    public static void AddPolicyStep(List<KeyValuePair<string, double>> row, in PolicyStepReport p)
    {
        row.Add(new(MetricKeys.TrainSurrogateLoss, -p.SurrogateAfter));
        row.Add(new(MetricKeys.TrainKlDivergence, p.Kl));
        row.Add(new(MetricKeys.TrainEntropy, p.Entropy));
        row.Add(new(MetricKeys.TrainImprovementActual, p.ImprovementActual));
        row.Add(new(MetricKeys.TrainImprovementExpected, p.ImprovementExpected));
        row.Add(new(MetricKeys.TrainLineSearchSuccess, p.LineSearchSuccess ? 1 : 0));
        row.Add(new(MetricKeys.TrainLineSearchSteps, p.LineSearchSteps));
        row.Add(new(MetricKeys.TrainCgIterations, p.CgIterations));
        row.Add(new(MetricKeys.TrainCgResidual, p.CgResidual));
        row.Add(new(MetricKeys.TrainMaxStep, p.MaxStep));
        row.Add(new(MetricKeys.TrainStepLength, p.StepLength));
        if (p.Beta is { } beta) row.Add(new(MetricKeys.TrainBeta, beta));
    }

    /// <summary>The row of one training update: rollout statistics, the policy step, the critic, throughput and,
    /// when this update evaluated, the evaluation.</summary>
    public static List<KeyValuePair<string, double>> ForUpdate(UpdateReport r)
    {
        var row = new List<KeyValuePair<string, double>>(20)
        {
            new(MetricKeys.RolloutEpReturnMean, r.EpisodeReturnMean),
            new(MetricKeys.RolloutEpLenMean, r.EpisodeLengthMean),
            new(MetricKeys.TrainValueLoss, r.ValueLoss),
            new(MetricKeys.TrainExplainedVariance, r.ExplainedVariance),
            new(MetricKeys.TimeStepsPerSecond, r.StepsPerSecond),
        };
        AddPolicyStep(row, r.Policy);
        if (!double.IsNaN(r.Std)) row.Add(new(MetricKeys.TrainStd, r.Std));
        if (r.EvalReturnMean is { } m) row.Add(new(MetricKeys.EvalReturnMean, m));
        if (r.EvalReturnStd is { } s) row.Add(new(MetricKeys.EvalReturnStd, s));
        return row;
    }

    /// <summary>Mean σ over the action dimensions (σ = exp of the state-independent log σ); NaN for a head
    /// without σ (categorical).</summary>
    public static double MeanStd(MlpPolicy policy)
    {
        if (policy.HeadSize == 0) return double.NaN;
        double s = 0;
        foreach (float l in policy.Head) s += Math.Exp(l);
        return s / policy.HeadSize;
    }
}
