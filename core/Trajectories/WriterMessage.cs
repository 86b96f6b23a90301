namespace TrpoEdge.Core.Trajectories;

/// <summary>What the control loop hands the writer thread through the channel: a value, so the channel holds
/// messages in its own preallocated ring and writing one allocates nothing. Float data lives in the writer's
/// slot array at <see cref="Slot"/>.
/// <see cref="Policy"/> is set on BeginEpisode only (a reference the caller already holds: nothing is allocated).</summary>
internal readonly record struct WriterMessage(
    WriterMessageKind Kind,
    long EpisodeId,
    int Slot,
    int T,
    double Reward,
    double LogProb,
    long PolicyVersion,
    long TimestampNs,
    bool Terminated,
    bool Truncated,
    ActingPolicy? Policy = null);
