namespace TrpoEdge.Runtime.Control;

/// <summary>A snapshot for a live status line, passed a few times per second (never per step).</summary>
public readonly record struct LoopProgress(
    int Episode, int Episodes, int Step, double EpisodeReturn, long TotalSteps,
    double LatencyP50Us, long DeadlineMisses, long Faults);
