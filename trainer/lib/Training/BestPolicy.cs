namespace TrpoEdge.Trainer.Training;

/// <summary>What best.safetensors holds: the policy whose periodic evaluation scored highest so far, where it was
/// written, and the evaluation that selected it (<paramref name="SelectionReturnMean"/> over
/// <paramref name="SelectionEpisodes"/> episodes from <paramref name="EvalSeed"/>).</summary>
public sealed record BestPolicy(
    string Path,
    string Sha256,
    long TotalSteps,
    long PolicyVersion,
    double SelectionReturnMean,
    int SelectionEpisodes,
    ulong EvalSeed);
