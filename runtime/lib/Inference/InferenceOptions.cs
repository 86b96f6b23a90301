using Microsoft.ML.OnnxRuntime;

namespace TrpoEdge.Runtime.Inference;

/// <summary>How a model is opened. Defaults suit a control loop on the CPU: one intra-op and one inter-op
/// thread (a [64,64] MLP is far too small to win from ORT's thread pool, and spinning pool threads would
/// steal the core the loop runs on) and every graph optimisation.</summary>
public sealed record InferenceOptions
{
    /// <summary>Threads for one operator; 0 lets ORT choose (one per core).</summary>
    public int IntraOpThreads { get; init; } = 1;
    public int InterOpThreads { get; init; } = 1;
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;
    public InferenceDevice Device { get; init; } = InferenceDevice.Cpu;

    public void Validate()
    {
        if (IntraOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "Intra-op threads must be 0 (ORT chooses) or positive.");
        if (InterOpThreads < 0)
            throw new ArgumentOutOfRangeException(nameof(InterOpThreads), InterOpThreads, "Inter-op threads must be 0 (ORT chooses) or positive.");
        if (!Enum.IsDefined(OptimizationLevel))
            throw new ArgumentOutOfRangeException(nameof(OptimizationLevel), OptimizationLevel, "Use one of ORT_DISABLE_ALL, ORT_ENABLE_BASIC, ORT_ENABLE_EXTENDED, ORT_ENABLE_ALL.");
        if (Device.Index < 0)
            throw new ArgumentOutOfRangeException(nameof(Device), Device.Index, "The CUDA device index must be 0 or more.");
    }
}
