using TrpoEdge.Trainer.Gpu.Device;

namespace TrpoEdge.Gpu.Tests;

/// <summary>One CPU-accelerator device shared by the tests of a class: ILGPU's exact simulator of the kernels
/// (the CI machines have no GPU). Kernels compile once per device, so sharing it keeps the tests fast.</summary>
public sealed class Simulator : IDisposable
{
    public GpuDevice Device { get; } = GpuDevice.OpenCpuSimulator();

    public void Dispose() => Device.Dispose();
}
