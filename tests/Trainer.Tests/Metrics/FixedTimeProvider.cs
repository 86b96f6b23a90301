namespace TrpoEdge.Trainer.Tests.Metrics;

/// <summary>A clock the test sets, so wall times and file names are known exactly.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public static FixedTimeProvider AtUnixSeconds(double seconds) =>
        new(DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)));

    public override DateTimeOffset GetUtcNow() => Now;
}
