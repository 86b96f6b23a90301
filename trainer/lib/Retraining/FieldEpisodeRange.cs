namespace TrpoEdge.Trainer.Retraining;

/// <summary>Which logged episodes a retrain used, recorded in the new checkpoint's metadata.</summary>
public sealed record FieldEpisodeRange(string StorePath, long RunId, long FirstEpisodeId, long LastEpisodeId, int Episodes, int Steps, long PolicyVersion);
