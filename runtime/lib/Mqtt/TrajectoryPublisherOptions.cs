namespace TrpoEdge.Runtime.Mqtt;

/// <summary>How <see cref="TrajectoryPublisher"/> batches and retries.</summary>
public sealed record TrajectoryPublisherOptions
{
    /// <summary>How often the local store is checked for newly finished episodes.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>A batch not acknowledged by a collector within this time is published again (same batch id).</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Steps per batch at most; a longer episode travels in several chunks.</summary>
    public int MaxStepsPerBatch { get; init; } = 2048;
    /// <summary>Batches kept for retry at most; beyond it the oldest are dropped from memory (they stay in the
    /// local store) and counted in <see cref="TrajectoryPublisher.Abandoned"/>.</summary>
    public int MaxOutstanding { get; init; } = 4096;

    public void Validate()
    {
        if (PollInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "PollInterval must be positive.");
        if (RetryInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RetryInterval), RetryInterval, "RetryInterval must be positive.");
        if (MaxStepsPerBatch is < 1 or > 1_000_000)
            throw new ArgumentOutOfRangeException(nameof(MaxStepsPerBatch), MaxStepsPerBatch, "MaxStepsPerBatch must be 1..1,000,000 (the broker's message size limit applies).");
        if (MaxOutstanding < 1) throw new ArgumentOutOfRangeException(nameof(MaxOutstanding), MaxOutstanding, "MaxOutstanding must be at least 1.");
    }
}
