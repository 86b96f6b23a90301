namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>How a session is built. Defaults suit a control loop: one intra-op and one inter-op
/// thread (a [64,64] MLP is far too small to win from ORT's thread pool, and spinning pool threads
/// would steal the core the loop runs on) and every graph optimisation.</summary>
public sealed record SessionOptions
{
    /// <summary>Threads for one operator; 0 lets ORT choose (one per core).</summary>
    public int IntraOpThreads { get; init; } = 1;
    public int InterOpThreads { get; init; } = 1;
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.EnableAll;

    public void Validate()
    {
        if (IntraOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "Intra-op threads must be 0 (ORT chooses) or positive.");
        if (InterOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(InterOpThreads), InterOpThreads, "Inter-op threads must be 0 (ORT chooses) or positive.");
        if (!Enum.IsDefined(OptimizationLevel))
            throw new ArgumentOutOfRangeException(nameof(OptimizationLevel), OptimizationLevel, "Use one of DisableAll, EnableBasic, EnableExtended, EnableAll.");
    }
}
