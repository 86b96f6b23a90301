using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Trainer.Gpu.Envs;

/// <summary>Pendulum-v1 × <see cref="Count"/> on the device.</summary>
internal sealed class PendulumDeviceEnv : IDeviceEnv
{
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _th, _thDot, _sinTh;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _elapsed;
    private readonly MemoryBuffer1D<ulong, Stride1D.Dense> _rng;
    private readonly Action<Index1D, PendulumKernels.State, ArrayView<float>> _reset;
    private readonly Action<Index1D, PendulumKernels.State, StepBuffers> _step;
    private readonly PendulumKernels.State _state;

    public PendulumDeviceEnv(Accelerator accelerator, int count)
    {
        Count = count;
        _th = accelerator.Allocate1D<double>(count);
        _thDot = accelerator.Allocate1D<double>(count);
        _sinTh = accelerator.Allocate1D<double>(count);
        _elapsed = accelerator.Allocate1D<int>(count);
        _rng = accelerator.Allocate1D<ulong>((long)DeviceRandom.Words * count);
        _state = new PendulumKernels.State { Th = _th.View, ThDot = _thDot.View, SinTh = _sinTh.View, Elapsed = _elapsed.View, Rng = _rng.View };
        _reset = accelerator.LoadAutoGroupedStreamKernel<Index1D, PendulumKernels.State, ArrayView<float>>(PendulumKernels.Reset);
        _step = accelerator.LoadAutoGroupedStreamKernel<Index1D, PendulumKernels.State, StepBuffers>(PendulumKernels.Step);
    }

    public string Id => "Pendulum-v1";
    public int Count { get; }
    public int ObservationSize => 3;

    public void Reset(ulong seed, ArrayView<float> observations)
    {
        DeviceRandom.Seed(_rng, Count, seed);
        _reset(Count, _state, observations);
    }

    public void Step(in StepBuffers buffers) => _step(Count, _state, buffers);

    public void Dispose()
    {
        _th.Dispose(); _thDot.Dispose(); _sinTh.Dispose(); _elapsed.Dispose(); _rng.Dispose();
    }
}
