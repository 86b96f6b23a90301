using TrpoEdge.Core.Spaces;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Tests.Fakes;

/// <summary>A plant that records every command it receives: each Step's action, and Stop as a zero
/// command. The pendulum-shaped observation [cos θ, sin θ, θ̇] follows θ += θ̇·dt with θ̇ set by the test.</summary>
internal sealed class RecordingPlant : IPlant
{
    public List<float[]> Commands { get; } = [];
    public List<string> Calls { get; } = [];
    public double ThetaDot { get; set; }
    public int EpisodeLength { get; set; } = 10;
    public int? ThrowOnStep { get; set; }
    /// <summary>The observation after this step (0-based) is NaN; null: never.</summary>
    public int? NaNAfterStep { get; set; }
    private double _theta;
    private int _t;

    public string EnvId { get; init; } = "Pendulum-v1";
    public SpaceSpec ObservationSpace { get; } = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]);
    public SpaceSpec ActionSpace { get; init; } = SpaceSpec.Box([-2], [2]);
    public double ControlPeriod { get; init; } = 0.05;
    public RigLimits? Limits { get; init; }
    public bool IsSimulated { get; init; } = true;
    public string Description => "recording plant";

    /// <summary>True when the last command the plant received was the zero action.</summary>
    public bool LastCommandWasZero => Commands.Count > 0 && Commands[^1].All(v => v == 0f);

    public void Reset(ulong? seed, Span<float> observation)
    {
        Calls.Add($"reset {seed}");
        _theta = 0;
        _t = 0;
        Observe(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (ThrowOnStep == _t) throw new IOException("plant link lost");
        Commands.Add(action.ToArray());
        Calls.Add("step");
        _theta += ThetaDot * ControlPeriod;
        _t++;
        Observe(observation);
        if (NaNAfterStep == _t - 1) observation[1] = float.NaN;
        return new StepResult(-1.0, false, _t >= EpisodeLength);
    }

    public void Stop()
    {
        Commands.Add(new float[ActionSpace.FlatSize]);
        Calls.Add("stop");
    }

    public void Dispose() { }

    private void Observe(Span<float> o)
    {
        o[0] = (float)Math.Cos(_theta);
        o[1] = (float)Math.Sin(_theta);
        o[2] = (float)ThetaDot;
    }
}
