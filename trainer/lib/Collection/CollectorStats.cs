namespace TrpoEdge.Trainer.Collection;

/// <summary>What a <see cref="TrajectoryCollector"/> has done so far.</summary>
public readonly record struct CollectorStats(long BatchesStored, long Duplicates, long Rejected, long StepsStored, int Runtimes)
{
    public override string ToString() =>
        $"{BatchesStored} batches ({StepsStored} steps) stored from {Runtimes} runtime(s), {Duplicates} duplicates ignored, {Rejected} rejected";
}
