using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Engines;

/// <summary>The default engines: the host networks themselves, on the managed GEMM (<see cref="ComputeBackends"/>).</summary>
public sealed class ManagedEngineProvider : IEngineProvider
{
    public static ManagedEngineProvider Instance { get; } = new();

    public string Name => "managed";

    public IPolicyEngine CreatePolicyEngine(MlpPolicy policy) => new ManagedPolicyEngine(policy);

    public IValueEngine CreateValueEngine(Mlp network) => new ManagedValueEngine(network);
}
