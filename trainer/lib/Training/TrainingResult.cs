namespace TrpoEdge.Trainer.Training;

/// <summary>The outcome of `trainer train`: where things were written and what the final evaluation scored.</summary>
public sealed record TrainingResult(
    string CheckpointPath,
    string CheckpointSha256,
    long TotalSteps,
    int Updates,
    double FinalReturnMean,
    double FinalReturnStd,
    int FinalEpisodes,
    long? StepsWhenThresholdCrossed,
    bool Cancelled,
    TimeSpan Elapsed)
{
    /// <summary>The best policy kept (<see cref="TrainingOptions.KeepBest"/>); null when none was (the option is off, or no
    /// periodic evaluation ran).</summary>
    public BestPolicy? Best { get; init; }

    /// <summary>The final comparison of <see cref="Best"/> with the final policy; null when there is no best policy or the
    /// run was interrupted before its final evaluation.</summary>
    public BestComparison? Comparison { get; init; }

    /// <summary>The checkpoint to export: the best one when it scored higher in the final evaluation, else the final one.</summary>
    public string ChosenCheckpointPath => Comparison is { Chosen: true } c ? c.Best.Path : CheckpointPath;

    public string ChosenCheckpointSha256 => Comparison is { Chosen: true } c ? c.Best.Sha256 : CheckpointSha256;
}
