using TrpoEdge.Sim.Envs;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim;

/// <summary>Gymnasium Pendulum-v1 (0.29, NumPy 1.x promotion rules), step for step.
/// State is float64 and never wrapped; the observation is float32 [cos θ, sin θ, θ̇].</summary>
public sealed class PendulumEnv : IEnv
{
    public const string EnvId = "Pendulum-v1";
    internal const double G = 10.0, M = 1.0, L = 1.0, Dt = 0.05, MaxSpeed = 8.0;
    internal const float MaxTorque = 2.0f;
    internal const int TimeLimit = 200;

    private static readonly BoxSpace ObsSpace = new([-1f, -1f, -8f], [1f, 1f, 8f]);
    private static readonly BoxSpace ActSpace = new([-MaxTorque], [MaxTorque]);

    private readonly SimRandom _rng = new(0);
    private double _th, _thdot;
    // sin θ of the current state: computed once for the observation and reused by the next step's
    // dynamics (the same Math.Sin value Gymnasium recomputes), halving the trigonometry per step.
    private double _sinTh;
    private int _elapsed;
    private bool _started;

    public string Id => EnvId;
    public Space ObservationSpace => ObsSpace;
    public Space ActionSpace => ActSpace;
    public int MaxEpisodeSteps => TimeLimit;
    public double ControlPeriod => Dt;

    internal double Theta => _th;
    internal double ThetaDot => _thdot;
    internal int Elapsed => _elapsed;

    public void Reset(ulong? seed, Span<float> observation)
    {
        ActionCheck.Observation(EnvId, observation, 3);
        if (seed is ulong s) _rng.Seed(s);
        _th = _rng.Uniform(-Math.PI, Math.PI);
        _thdot = _rng.Uniform(-1.0, 1.0);
        _elapsed = 0;
        _started = true;
        WriteObservation(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ActionCheck.Started(EnvId, _started);
        float a = ActionCheck.Box1(EnvId, action);
        ActionCheck.Observation(EnvId, observation, 3);
        double reward = StepUnchecked(a, observation);
        return new StepResult(reward, false, _elapsed >= TimeLimit);
    }

    /// <summary>The step without validation, for the vectorised path (which validated the batch already).
    /// Returns the reward; the time-limit flag is <c>Elapsed &gt;= 200</c> afterwards.</summary>
    internal double StepUnchecked(float action, Span<float> observation)
    {
        float u = Math.Clamp(action, -MaxTorque, MaxTorque); // np.clip on a float32 array stays float32
        float u2 = u * u;                                     // float32 u**2, as NumPy computes it
        double th = _th, thdot = _thdot;
        double an = PyMath.AngleNormalize(th);
        double cost = an * an + 0.1 * (thdot * thdot) + 0.001 * u2;
        // 3*g/(2*l) = 15.0 and 3.0/(m*l**2) = 3.0, folded exactly as Python evaluates them.
        double newthdot = thdot + (3 * G / (2 * L) * _sinTh + 3.0 / (M * L * L) * u) * Dt;
        newthdot = Math.Clamp(newthdot, -MaxSpeed, MaxSpeed);
        double newth = th + newthdot * Dt;
        _th = newth;
        _thdot = newthdot;
        _elapsed++;
        WriteObservation(observation);
        return -cost;
    }

    private void WriteObservation(Span<float> observation)
    {
        (double sin, double cos) = Math.SinCos(_th);
        _sinTh = sin;
        observation[0] = (float)cos;
        observation[1] = (float)sin;
        observation[2] = (float)_thdot;
    }

    /// <summary>Pins the physical state (tests, rendering); the step counter restarts at <paramref name="elapsed"/>.</summary>
    internal void SetState(double th, double thdot, int elapsed = 0)
    {
        _th = th; _thdot = thdot; _elapsed = elapsed; _started = true;
        _sinTh = Math.SinCos(th).Sin; // the same function WriteObservation uses
    }

    public EnvState SaveState() =>
        new(EnvId, [_th, _thdot, _elapsed, _started ? 1 : 0], _rng.GetState());

    public void RestoreState(EnvState state)
    {
        ActionCheck.StateShape(EnvId, state, 4);
        _rng.SetState(state.Generator);
        SetState(state.Values[0], state.Values[1], (int)state.Values[2]);
        _started = state.Values[3] != 0;
    }
}
