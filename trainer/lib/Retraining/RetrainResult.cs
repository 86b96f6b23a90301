namespace TrpoEdge.Trainer.Retraining;

/// <summary>What `trainer retrain` produced. <see cref="CheckpointPath"/> and <see cref="CheckpointSha256"/> are null when no
/// update was accepted (then no checkpoint is written).</summary>
public sealed record RetrainResult(string? CheckpointPath, string? CheckpointSha256, long ParentVersion, long PolicyVersion, int FieldEpisodes, int FieldSteps, int UpdatesTaken, int UpdatesAccepted, IReadOnlyList<RetrainReport> Reports, string? StoppedBecause);
