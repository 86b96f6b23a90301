using TrpoEdge.Core.Spaces;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Plants;

/// <summary>Something that gives observations and takes actions at a period: the simulator here; a rig
/// over a serial port or MQTT later (same interface). Observations and actions travel in caller spans
/// so a control step allocates nothing.</summary>
public interface IPlant : IDisposable
{
    /// <summary>The environment id the plant presents, checked against the model's (e.g. "Pendulum-v1", "Rig:direct-drive").</summary>
    string EnvId { get; }
    SpaceSpec ObservationSpace { get; }
    /// <summary>A discrete action travels as one float holding the index.</summary>
    SpaceSpec ActionSpace { get; }
    /// <summary>Seconds per control step the plant is built for.</summary>
    double ControlPeriod { get; }
    /// <summary>Angle/velocity limits for the safety layer (observation [cos θ, sin θ, θ̇]); null when none apply.</summary>
    RigLimits? Limits { get; }
    /// <summary>True when time only advances when <see cref="Step"/> is called, so the loop may run as fast as it can.</summary>
    bool IsSimulated { get; }
    /// <summary>One line for logs and the run record, e.g. "sim Rig:direct-drive perturbed pendulum.mass=0.3".</summary>
    string Description { get; }

    /// <summary>Starts an episode and writes the first observation. A seed makes a simulated episode reproducible.</summary>
    void Reset(ulong? seed, Span<float> observation);

    /// <summary>Applies <paramref name="action"/> (already checked by the safety layer) for one period and
    /// writes the next observation.</summary>
    StepResult Step(ReadOnlySpan<float> action, Span<float> observation);

    /// <summary>Puts the actuator at rest (zero command). Called on every exit path; must not throw and
    /// must be safe to call repeatedly.</summary>
    void Stop();
}
