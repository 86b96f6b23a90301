namespace TrpoEdge.Trainer.Training;

/// <summary>Where one update's time went, in seconds (profiling and the training benchmark).</summary>
public readonly record struct PhaseTimes(double Collect, double Advantages, double PolicyStep, double Critic)
{
    public double Total => Collect + Advantages + PolicyStep + Critic;
}
