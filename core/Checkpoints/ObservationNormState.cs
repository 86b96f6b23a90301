namespace TrpoEdge.Core.Checkpoints;

/// <summary>Running observation statistics (parallel Welford / SB3 RunningMeanStd) and how they are applied:
/// <c>z = clamp((x − (float)Mean) / (float)√(Var + Epsilon), −Clip, Clip)</c>, in float32, everywhere.</summary>
public sealed record ObservationNormState(double[] Mean, double[] Var, double Count, float Clip, float Epsilon);
