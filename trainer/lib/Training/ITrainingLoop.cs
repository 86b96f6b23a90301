namespace TrpoEdge.Trainer.Training;

/// <summary>A training loop the CLI can run and watch: the CPU loop (<see cref="TrainingRun"/>) or a device-resident
/// one (the GPU engine's).</summary>
public interface ITrainingLoop
{
    /// <summary>Raised after every update, on the training thread.</summary>
    event Action<UpdateReport>? Updated;

    TrainingResult Run(CancellationToken cancellation);
}
