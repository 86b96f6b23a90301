namespace TrpoEdge.Core.Trajectories;

/// <summary>How the background writer batches steps into transactions. A crash loses at most the open batch:
/// at most <see cref="BatchSize"/> steps, or <see cref="FlushInterval"/> of them.</summary>
public sealed record TrajectoryWriterOptions
{
    public static TrajectoryWriterOptions Default { get; } = new();

    /// <summary>Steps per transaction when steps arrive faster than <see cref="FlushInterval"/>.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Longest time a step waits in an open transaction before it is committed.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Messages (steps, episode starts and ends) the channel holds before <c>Append</c> waits for the disk.
    /// The writer preallocates this many observation/action slots once.</summary>
    public int Capacity { get; init; } = 8192;

    public void Validate()
    {
        if (BatchSize < 1 || BatchSize > 1_000_000)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "TrajectoryWriterOptions.BatchSize must be between 1 and 1,000,000 steps per transaction.");
        if (FlushInterval <= TimeSpan.Zero || FlushInterval > TimeSpan.FromHours(1))
            throw new ArgumentOutOfRangeException(nameof(FlushInterval), FlushInterval, "TrajectoryWriterOptions.FlushInterval must be positive and at most one hour.");
        if (Capacity < 2 || Capacity > 16_777_216)
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "TrajectoryWriterOptions.Capacity must be between 2 and 16,777,216 messages.");
    }
}
