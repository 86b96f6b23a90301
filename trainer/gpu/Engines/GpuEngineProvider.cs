using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Gpu.Device;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Gpu.Engines;

/// <summary>Makes GPU engines on one device (which the provider does not own).</summary>
public sealed class GpuEngineProvider(GpuDevice device) : IEngineProvider
{
    public GpuDevice Device => device;

    public string Name => "gpu";

    public IPolicyEngine CreatePolicyEngine(MlpPolicy policy) => new GpuPolicyEngine(device, policy);

    public IValueEngine CreateValueEngine(Mlp network) => new GpuValueEngine(device, network);
}
