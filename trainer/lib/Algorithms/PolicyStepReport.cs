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
    double MaxStep);
