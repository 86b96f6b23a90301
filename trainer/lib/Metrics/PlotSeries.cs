namespace TrpoEdge.Trainer.Metrics;

/// <summary>One named curve of a learning-curve plot (e.g. "rollout return", "eval return").</summary>
/// <param name="Name">Shown in the legend.</param>
/// <param name="Points">(environment step, value) pairs; non-finite values are left out of the drawing.</param>
public sealed record PlotSeries(string Name, IReadOnlyList<(long Step, double Value)> Points);
