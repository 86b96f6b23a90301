using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Gpu.Device;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Trainer.Gpu.Envs;

/// <summary>Device environments driven from the host, one step per call: for checks and benchmarks of the environment
/// kernels alone (training never copies steps to the host; <see cref="Training.DeviceCollector"/> keeps them there).</summary>
public sealed class DeviceEnvBatch : IDisposable
{
    private readonly IDeviceEnv _env;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _actions, _obs, _final;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _rewards;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _terminated, _truncated;
    private readonly StepBuffers _buffers;

    public DeviceEnvBatch(GpuDevice device, string envId, int count)
    {
        Accelerator a = device.Accelerator;
        _env = DeviceEnvs.Create(a, envId, count);
        int d = _env.ObservationSize;
        _actions = a.Allocate1D<float>(count);
        _obs = a.Allocate1D<float>((long)count * d);
        _final = a.Allocate1D<float>((long)count * d);
        _rewards = a.Allocate1D<double>(count);
        _terminated = a.Allocate1D<byte>(count);
        _truncated = a.Allocate1D<byte>(count);
        _buffers = new StepBuffers
        {
            Actions = _actions.View, Observations = _obs.View, Final = _final.View, Rewards = _rewards.View,
            Terminated = _terminated.View, Truncated = _truncated.View,
        };
        Observations = new float[count * d];
        Rewards = new double[count];
        Truncated = new byte[count];
        Terminated = new byte[count];
    }

    public int Count => _env.Count;
    public float[] Observations { get; }
    public double[] Rewards { get; }
    public byte[] Terminated { get; }
    public byte[] Truncated { get; }

    public void Reset(ulong seed)
    {
        _env.Reset(seed, _obs.View);
        _obs.View.CopyToCPU(Observations);
    }

    /// <summary>One step with one action per environment (a single action dimension); results land in the properties.</summary>
    public void Step(float[] actions)
    {
        _actions.View.CopyFromCPU(actions);
        _env.Step(_buffers);
        _obs.View.CopyToCPU(Observations);
        _rewards.View.CopyToCPU(Rewards);
        _terminated.View.CopyToCPU(Terminated);
        _truncated.View.CopyToCPU(Truncated);
    }

    /// <summary><paramref name="steps"/> steps with constant actions, nothing copied back (the kernels' own speed).</summary>
    public void StepDeviceOnly(float action, int steps)
    {
        _actions.MemSet((byte)0);
        if (action != 0) _actions.View.CopyFromCPU(Enumerable.Repeat(action, Count).ToArray());
        for (int t = 0; t < steps; t++) _env.Step(_buffers);
    }

    public void Dispose()
    {
        _env.Dispose();
        _actions.Dispose(); _obs.Dispose(); _final.Dispose(); _rewards.Dispose(); _terminated.Dispose(); _truncated.Dispose();
    }
}
