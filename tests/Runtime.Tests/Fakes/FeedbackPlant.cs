using TrpoEdge.Runtime.Plants;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Tests.Fakes;

/// <summary>A <see cref="RecordingPlant"/> that also reports, like a rig, whether it applied each step's command: the
/// steps listed in <see cref="NotApplied"/> (0-based, per episode) were not; <see cref="InterruptAt"/> throws the
/// link-lost interruption instead of stepping.</summary>
internal sealed class FeedbackPlant : IPlant, IRigFeedback
{
    private readonly RecordingPlant _inner = new();
    private int _t;

    public HashSet<int> NotApplied { get; init; } = [];
    public int? InterruptAt { get; set; }
    public int EpisodeLength { get => _inner.EpisodeLength; init => _inner.EpisodeLength = value; }
    public bool LastActionApplied { get; private set; } = true;
    public bool LastStateLate => false;

    public string EnvId => _inner.EnvId;
    public Core.Spaces.SpaceSpec ObservationSpace => _inner.ObservationSpace;
    public Core.Spaces.SpaceSpec ActionSpace => _inner.ActionSpace;
    public double ControlPeriod => _inner.ControlPeriod;
    public RigLimits? Limits => null;
    public bool IsSimulated => true;
    public string Description => "feedback plant";

    public void Reset(ulong? seed, Span<float> observation)
    {
        _t = 0;
        _inner.Reset(seed, observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (InterruptAt == _t)
        {
            InterruptAt = null;
            throw new PlantInterruptedException("the broker connection dropped");
        }
        LastActionApplied = !NotApplied.Contains(_t);
        _t++;
        return _inner.Step(action, observation);
    }

    public void Stop() => _inner.Stop();

    public void Dispose() { }
}
