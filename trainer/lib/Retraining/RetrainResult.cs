namespace TrpoEdge.Trainer.Retraining;

/// <summary>What `trainer retrain` produced.</summary>
public sealed record RetrainResult(string CheckpointPath, string CheckpointSha256, long ParentVersion, long PolicyVersion, int FieldEpisodes, int FieldSteps, int UpdatesTaken, int UpdatesAccepted, IReadOnlyList<RetrainReport> Reports, string? StoppedBecause);
