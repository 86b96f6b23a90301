namespace TrpoEdge.Trainer.Algorithms;

/// <summary>Diagnostics of one TRPO policy step (logged under train/…).</summary>
public readonly record struct PolicyStepReport(
    double SurrogateBefore,
    double SurrogateAfter,
    double Kl,
    double Entropy,
    double ImprovementExpected,
    double ImprovementActual,
    bool LineSearchSuccess,
    int LineSearchSteps,
    int CgIterations,
    double CgResidual,
    double MaxStep)
{
    /// <summary>The KL-penalty coefficient β in force during the update (penalty variant only; null for the trust region).</summary>
    public double? Beta { get; init; }
    /// <summary>‖θ_new − θ_old‖ of the accepted step (0 when none was accepted).</summary>
    public double StepLength { get; init; }
    /// <summary>Where the step's time went (zero where the step does not measure it).</summary>
    public PolicyStepTimes Times { get; init; }
}
