using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Trainer.Gpu.Envs;

/// <summary>CartPole-v1 × <see cref="Count"/> on the device.</summary>
internal sealed class CartPoleDeviceEnv : IDeviceEnv
{
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _x, _xDot, _theta, _thetaDot;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _elapsed, _beyond;
    private readonly MemoryBuffer1D<ulong, Stride1D.Dense> _rng;
    private readonly Action<Index1D, CartPoleKernels.State, ArrayView<float>> _reset;
    private readonly Action<Index1D, CartPoleKernels.State, StepBuffers> _step;
    private readonly CartPoleKernels.State _state;

    public CartPoleDeviceEnv(Accelerator accelerator, int count)
    {
        Count = count;
        _x = accelerator.Allocate1D<double>(count);
        _xDot = accelerator.Allocate1D<double>(count);
        _theta = accelerator.Allocate1D<double>(count);
        _thetaDot = accelerator.Allocate1D<double>(count);
        _elapsed = accelerator.Allocate1D<int>(count);
        _beyond = accelerator.Allocate1D<int>(count);
        _rng = accelerator.Allocate1D<ulong>((long)DeviceRandom.Words * count);
        _state = new CartPoleKernels.State
        {
            X = _x.View, XDot = _xDot.View, Theta = _theta.View, ThetaDot = _thetaDot.View,
            Elapsed = _elapsed.View, StepsBeyondTerminated = _beyond.View, Rng = _rng.View,
        };
        _reset = accelerator.LoadAutoGroupedStreamKernel<Index1D, CartPoleKernels.State, ArrayView<float>>(CartPoleKernels.Reset);
        _step = accelerator.LoadAutoGroupedStreamKernel<Index1D, CartPoleKernels.State, StepBuffers>(CartPoleKernels.Step);
    }

    public string Id => "CartPole-v1";
    public int Count { get; }
    public int ObservationSize => 4;

    public void Reset(ulong seed, ArrayView<float> observations)
    {
        DeviceRandom.Seed(_rng, Count, seed);
        _reset(Count, _state, observations);
    }

    public void Step(in StepBuffers buffers) => _step(Count, _state, buffers);

    public void Dispose()
    {
        _x.Dispose(); _xDot.Dispose(); _theta.Dispose(); _thetaDot.Dispose(); _elapsed.Dispose(); _beyond.Dispose(); _rng.Dispose();
    }
}
