namespace TrpoEdge.Trainer.Algorithms;

/// <summary>Where one TRPO policy step's time went, in seconds (profiling; the training benchmark prints it):
/// staging the batch, L(θ_old) and its gradient g, the conjugate-gradient solve with its Fisher-vector products (and
/// the one more product that scales the step), and the line search's trial forward passes.</summary>
public readonly record struct PolicyStepTimes(double Stage, double Gradient, double ConjugateGradient, double LineSearch)
{
    public double Total => Stage + Gradient + ConjugateGradient + LineSearch;
}
