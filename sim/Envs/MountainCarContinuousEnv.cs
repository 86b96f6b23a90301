using TrpoEdge.Sim.Envs;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim;

/// <summary>Gymnasium MountainCarContinuous-v0 (1.x). After every step the state is stored as float32
/// (<c>np.array([x, v], dtype=np.float32)</c>), so each step starts from float32-rounded values; the reset
/// state is float64. The reward uses the raw, unclipped action.</summary>
public sealed class MountainCarContinuousEnv : IEnv, IUncheckedStep
{
    public const string EnvId = "MountainCarContinuous-v0";
    internal const double MinAction = -1.0, MaxAction = 1.0, MinPosition = -1.2, MaxPosition = 0.6;
    internal const double MaxSpeed = 0.07, GoalPosition = 0.45, GoalVelocity = 0.0, Power = 0.0015;
    internal const int TimeLimit = 999;

    private static readonly BoxSpace ObsSpace = new([(float)MinPosition, -(float)MaxSpeed], [(float)MaxPosition, (float)MaxSpeed]);
    private static readonly BoxSpace ActSpace = new([(float)MinAction], [(float)MaxAction]);

    private readonly Pcg64 _rng = new(0);
    private double _position, _velocity;
    private int _elapsed;
    private bool _started;

    public string Id => EnvId;
    public Space ObservationSpace => ObsSpace;
    public Space ActionSpace => ActSpace;
    public int MaxEpisodeSteps => TimeLimit;
    /// <summary>The task has no physical time step; one step is one unit.</summary>
    public double ControlPeriod => 1.0;

    public void Reset(ulong? seed, Span<float> observation)
    {
        ActionCheck.Observation(EnvId, observation, 2);
        if (seed is ulong s) _rng.Seed(s);
        _position = _rng.Uniform(-0.6, -0.4);
        _velocity = 0.0;
        _elapsed = 0;
        _started = true;
        observation[0] = (float)_position;
        observation[1] = (float)_velocity;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ActionCheck.Started(EnvId, _started);
        float a = ActionCheck.Box1(EnvId, action);
        ActionCheck.Observation(EnvId, observation, 2);
        return StepUnchecked(a, observation);
    }

    StepResult IUncheckedStep.StepUnchecked(float action, Span<float> observation) => StepUnchecked(action, observation);

    internal StepResult StepUnchecked(float action, Span<float> observation)
    {
        double position = _position, velocity = _velocity;
        double force = Math.Min(Math.Max(action, MinAction), MaxAction);
        velocity += force * Power - 0.0025 * Math.Cos(3 * position);
        if (velocity > MaxSpeed) velocity = MaxSpeed;
        if (velocity < -MaxSpeed) velocity = -MaxSpeed;
        position += velocity;
        if (position > MaxPosition) position = MaxPosition;
        if (position < MinPosition) position = MinPosition;
        if (position == MinPosition && velocity < 0) velocity = 0;

        bool terminated = position >= GoalPosition && velocity >= GoalVelocity;
        double reward = terminated ? 100.0 : 0.0;
        reward -= PyMath.SquareAsPow(action) * 0.1; // math.pow(action[0], 2) on the float32 action widened to float64

        float p32 = (float)position, v32 = (float)velocity;
        _position = p32;
        _velocity = v32;
        _elapsed++;
        observation[0] = p32;
        observation[1] = v32;
        return new StepResult(reward, terminated, _elapsed >= TimeLimit);
    }

    internal void SetState(double position, double velocity, int elapsed = 0)
    {
        _position = position; _velocity = velocity; _elapsed = elapsed; _started = true;
    }

    internal (double Position, double Velocity) State => (_position, _velocity);

    public EnvState SaveState() => new(EnvId, [_position, _velocity, _elapsed, _started ? 1 : 0], _rng.State);

    public void RestoreState(EnvState state)
    {
        ActionCheck.StateShape(EnvId, state, 4);
        _rng.SetState(state.Generator);
        var v = state.Values;
        SetState(v[0], v[1], (int)v[2]);
        _started = v[3] != 0;
    }
}
