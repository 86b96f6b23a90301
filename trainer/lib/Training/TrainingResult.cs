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
    TimeSpan Elapsed);
