using ILGPU;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Trainer.Gpu.Envs;

/// <summary>Many copies of one environment whose state lives on the device and which step as one kernel launch,
/// with the simulator's semantics (<c>sim/</c> stays the reference the tests compare against).</summary>
internal interface IDeviceEnv : IDisposable
{
    string Id { get; }
    int Count { get; }
    int ObservationSize { get; }

    /// <summary>Resets every copy; copy i with seed + i.</summary>
    void Reset(ulong seed, ArrayView<float> observations);

    /// <summary>Steps every copy once with same-step autoreset (see <see cref="StepBuffers"/>).</summary>
    void Step(in StepBuffers buffers);
}
