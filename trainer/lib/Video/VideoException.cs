namespace TrpoEdge.Trainer.Video;

/// <summary>ffmpeg failed to write a video; the message carries its exit code and last error lines.</summary>
public sealed class VideoException(string message) : Exception(message);
