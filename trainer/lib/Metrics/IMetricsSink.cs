namespace TrpoEdge.Trainer.Metrics;

/// <summary>
/// A destination for the per-update diagnostics (TensorBoard, CSV, the in-memory history).
/// Keys are the namespaced names of <see cref="MetricKeys"/>; a row need not carry every key
/// (evaluation keys appear only every few updates).
/// </summary>
public interface IMetricsSink : IDisposable
{
    /// <summary>Records one row of scalars at <paramref name="step"/> (total environment steps so far).</summary>
    void Write(long step, IReadOnlyList<KeyValuePair<string, double>> scalars);
}
