using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>What one vectorised environment step reads and writes, row i for environment i, with the same-step
/// autoreset of the simulator's <c>VectorEnv</c>: <see cref="Final"/> gets the observation the step produced,
/// <see cref="Observations"/> the one to act on next (the new episode's first after an episode ended).</summary>
internal struct StepBuffers
{
    public ArrayView<float> Actions;
    public ArrayView<float> Observations;
    public ArrayView<float> Final;
    public ArrayView<double> Rewards;
    public ArrayView<byte> Terminated;
    public ArrayView<byte> Truncated;
}
