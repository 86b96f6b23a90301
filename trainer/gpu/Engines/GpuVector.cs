using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Engines;

namespace TrpoEdge.Trainer.Gpu.Engines;

/// <summary>An <see cref="EngineVector"/> in device memory.</summary>
public sealed class GpuVector : EngineVector, IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _buffer;

    internal GpuVector(Accelerator accelerator, int length) : base(length)
    {
        _buffer = accelerator.Allocate1D<float>(Math.Max(1, length));
        _buffer.MemSetToZero();
    }

    internal ArrayView<float> View => _buffer.View.SubView(0, Length);

    public void Dispose() => _buffer.Dispose();
}
