using TrpoEdge.Trainer.Metrics;

namespace TrpoEdge.Trainer.Tests.Metrics;

/// <summary>A sink that remembers what it was given, optionally failing on every write.</summary>
internal sealed class RecordingSink(bool fail = false) : IMetricsSink
{
    public List<(long Step, KeyValuePair<string, double>[] Scalars)> Rows { get; } = [];

    public bool Disposed { get; private set; }

    public void Write(long step, IReadOnlyList<KeyValuePair<string, double>> scalars)
    {
        if (fail)
        {
            throw new IOException("disk full (simulated)");
        }

        Rows.Add((step, [.. scalars]));
    }

    public void Dispose() => Disposed = true;
}
