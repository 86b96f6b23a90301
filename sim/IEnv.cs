using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim;

/// <summary>A single environment, Gymnasium-shaped, with the time limit built in.
/// Observations are written into caller-provided spans so stepping allocates nothing.</summary>
public interface IEnv
{
    /// <summary>Registry id, e.g. "Pendulum-v1" or "Rig:direct-drive".</summary>
    string Id { get; }
    Space ObservationSpace { get; }
    Space ActionSpace { get; }
    /// <summary>Steps after which <see cref="StepResult.Truncated"/> is set.</summary>
    int MaxEpisodeSteps { get; }
    /// <summary>Seconds of simulated time per <see cref="Step"/> (the control period).</summary>
    double ControlPeriod { get; }

    /// <summary>Starts an episode. A seed reseeds the environment's generator (Gymnasium semantics);
    /// null continues the current stream.</summary>
    void Reset(ulong? seed, Span<float> observation);

    /// <summary>Advances one control period. Throws <see cref="ArgumentException"/> naming the value
    /// for a NaN/infinite/wrongly sized action (or a non-integer / out-of-range discrete index),
    /// leaving the state untouched.</summary>
    StepResult Step(ReadOnlySpan<float> action, Span<float> observation);

    /// <summary>Captures everything that determines the future: physical state, step counter,
    /// generator state, pending delayed actions. Restoring it and replaying the same actions
    /// reproduces the same observations and rewards bit for bit.</summary>
    EnvState SaveState();
    void RestoreState(EnvState state);
}
