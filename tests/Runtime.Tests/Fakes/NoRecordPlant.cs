using TrpoEdge.Core.Spaces;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Tests.Fakes;

/// <summary>A plant that keeps nothing per step (so it allocates nothing), for allocation tests.</summary>
internal sealed class NoRecordPlant(int episodeLength) : IPlant
{
    public int Steps { get; private set; }
    public string EnvId => "Pendulum-v1";
    public SpaceSpec ObservationSpace { get; } = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]);
    public SpaceSpec ActionSpace { get; } = SpaceSpec.Box([-2], [2]);
    public double ControlPeriod => 0.05;
    public RigLimits? Limits { get; } = new(100, 100, false);
    public bool IsSimulated => true;
    public string Description => "quiet";

    public void Reset(ulong? seed, Span<float> observation)
    {
        observation[0] = 1;
        observation[1] = 0;
        observation[2] = 0;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        Steps++;
        observation[0] = 1;
        observation[1] = 0;
        observation[2] = action[0];
        return new StepResult(-action[0], false, Steps % episodeLength == 0);
    }

    public void Stop() { }
    public void Dispose() { }
}
