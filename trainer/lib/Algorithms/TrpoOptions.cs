namespace TrpoEdge.Trainer.Algorithms;

/// <summary>Every hyperparameter of TRPO with GAE in one record. Defaults follow SB3-contrib's TRPO;
/// <see cref="Validate"/> says what is wrong and what to use instead.</summary>
public sealed record TrpoOptions
{
    /// <summary>Discount γ.</summary>
    public double Gamma { get; init; } = 0.99;
    /// <summary>GAE λ.</summary>
    public double GaeLambda { get; init; } = 0.95;
    /// <summary>Trust-region radius δ on the mean KL(π_old ‖ π_new).</summary>
    public double TargetKl { get; init; } = 0.01;
    public int CgIterations { get; init; } = 15;
    /// <summary>Damping added to the Fisher-vector product: (F + c·I)v.</summary>
    public double CgDamping { get; init; } = 0.1;
    /// <summary>CG stops when rᵀr falls below this.</summary>
    public double CgResidualTolerance { get; init; } = 1e-10;
    public int LineSearchSteps { get; init; } = 10;
    public double LineSearchShrink { get; init; } = 0.8;
    /// <summary>Fraction of the batch used for Fisher-vector products (1 = all; the paper used 0.1).</summary>
    public double FvpSubsample { get; init; } = 1.0;
    public bool NormalizeAdvantage { get; init; } = true;
    public double CriticLearningRate { get; init; } = 1e-3;
    public int CriticEpochs { get; init; } = 10;
    public int CriticBatchSize { get; init; } = 128;
    /// <summary>After the critic's Adam epochs, refit its output layer exactly by ridge regression on the last hidden
    /// layer's features (<see cref="ValueHeadSolver"/>): the linear part of the regression solved in closed form for
    /// the cost of one forward pass, so fewer epochs give as good a fit. Off by default (SB3's TRPO has no such step).</summary>
    public bool CriticHeadSolve { get; init; }
    /// <summary>λ of the closed-form head: the pull towards the head the epochs left, per sample.</summary>
    public double CriticHeadRidge { get; init; } = 1e-3;

    public void Validate()
    {
        Require(Gamma > 0 && Gamma <= 1, nameof(Gamma), Gamma, "in (0, 1], e.g. 0.99");
        Require(GaeLambda >= 0 && GaeLambda <= 1, nameof(GaeLambda), GaeLambda, "in [0, 1], e.g. 0.95");
        Require(TargetKl > 0 && TargetKl < 1, nameof(TargetKl), TargetKl, "in (0, 1), e.g. 0.01");
        Require(CgIterations >= 1 && CgIterations <= 1000, nameof(CgIterations), CgIterations, "between 1 and 1000, e.g. 15");
        Require(CgDamping >= 0 && double.IsFinite(CgDamping), nameof(CgDamping), CgDamping, ">= 0, e.g. 0.1");
        Require(CgResidualTolerance >= 0, nameof(CgResidualTolerance), CgResidualTolerance, ">= 0, e.g. 1e-10");
        Require(LineSearchSteps >= 1 && LineSearchSteps <= 100, nameof(LineSearchSteps), LineSearchSteps, "between 1 and 100, e.g. 10");
        Require(LineSearchShrink > 0 && LineSearchShrink < 1, nameof(LineSearchShrink), LineSearchShrink, "in (0, 1), e.g. 0.8");
        Require(FvpSubsample > 0 && FvpSubsample <= 1, nameof(FvpSubsample), FvpSubsample, "in (0, 1], e.g. 1 or 0.1");
        Require(CriticLearningRate > 0 && CriticLearningRate < 1, nameof(CriticLearningRate), CriticLearningRate, "in (0, 1), e.g. 1e-3");
        Require(CriticEpochs >= 0 && CriticEpochs <= 1000, nameof(CriticEpochs), CriticEpochs, "between 0 and 1000, e.g. 10");
        Require(CriticBatchSize >= 1, nameof(CriticBatchSize), CriticBatchSize, ">= 1, e.g. 128");
        Require(CriticHeadRidge > 0 && CriticHeadRidge < 1e6, nameof(CriticHeadRidge), CriticHeadRidge, "in (0, 1e6), e.g. 1e-3");
    }

    internal static void Require(bool ok, string name, object value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} = {value} is invalid: it must be {expected}.");
    }
}
