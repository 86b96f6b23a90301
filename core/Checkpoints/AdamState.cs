namespace TrpoEdge.Core.Checkpoints;

/// <summary>The value network's Adam moments, saved so a resumed run continues the same optimisation rather
/// than restarting with cold moments. <see cref="M"/> and <see cref="V"/> follow the engine's flat parameter
/// layout (W0, b0, W1, b1, ...).</summary>
public sealed record AdamState(long Step, float[] M, float[] V);
