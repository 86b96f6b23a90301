using System.Runtime.CompilerServices;
using TrpoEdge.Sim.Envs;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim;

/// <summary>Gymnasium Pendulum-v1 (1.x, NumPy 1.x promotion rules), step for step and seed for seed.
/// State is float64 and never wrapped; the observation is float32 [cos θ, sin θ, θ̇].</summary>
public sealed class PendulumEnv : IEnv
{
    public const string EnvId = "Pendulum-v1";
    internal const double G = 10.0, M = 1.0, L = 1.0, Dt = 0.05, MaxSpeed = 8.0;
    internal const float MaxTorque = 2.0f;
    internal const int TimeLimit = 200;

    private static readonly BoxSpace ObsSpace = new([-1f, -1f, -8f], [1f, 1f, 8f]);
    private static readonly BoxSpace ActSpace = new([-MaxTorque], [MaxTorque]);

    private readonly Pcg64 _rng = new(0);
    // The state lives in a slot of a struct-of-arrays store (see PendulumBatchState).
    private PendulumBatchState _s = new(1);
    private int _i;

    public string Id => EnvId;
    public Space ObservationSpace => ObsSpace;
    public Space ActionSpace => ActSpace;
    public int MaxEpisodeSteps => TimeLimit;
    public double ControlPeriod => Dt;

    internal double Theta => _s.Th[_i];
    internal double ThetaDot => _s.ThDot[_i];
    internal int Elapsed => _s.Elapsed[_i];

    /// <summary>Moves this env's state into slot <paramref name="index"/> of <paramref name="store"/>.</summary>
    internal void Bind(PendulumBatchState store, int index)
    {
        store.Th[index] = _s.Th[_i];
        store.ThDot[index] = _s.ThDot[_i];
        store.SinTh[index] = _s.SinTh[_i];
        store.Elapsed[index] = _s.Elapsed[_i];
        store.Started[index] = _s.Started[_i];
        _s = store;
        _i = index;
    }

    public void Reset(ulong? seed, Span<float> observation)
    {
        ActionCheck.Observation(EnvId, observation, 3);
        if (seed is ulong s) _rng.Seed(s);
        int i = _i;
        _s.Th[i] = _rng.Uniform(-Math.PI, Math.PI);
        _s.ThDot[i] = _rng.Uniform(-1.0, 1.0);
        _s.Elapsed[i] = 0;
        _s.Started[i] = true;
        WriteObservation(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ActionCheck.Started(EnvId, _s.Started[_i]);
        float a = ActionCheck.Box1(EnvId, action);
        ActionCheck.Observation(EnvId, observation, 3);
        int i = _i;
        double reward = Dynamics(a, _s.Th[i], _s.ThDot[i], _s.SinTh[i], out _s.Th[i], out _s.ThDot[i]);
        int elapsed = ++_s.Elapsed[i];
        WriteObservation(observation);
        return new StepResult(reward, false, elapsed >= TimeLimit);
    }

    /// <summary>One Pendulum-v1 update from (θ, θ̇) with sin θ given; returns the reward. Shared verbatim by
    /// <see cref="Step"/> and the VectorEnv batch kernel so both produce the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Dynamics(float action, double th, double thdot, double sinTh, out double newTh, out double newThdot)
    {
        float u = Math.Clamp(action, -MaxTorque, MaxTorque); // np.clip on a float32 array stays float32
        double cost = Cost(PyMath.AngleNormalize(th), thdot, u);
        // 3*g/(2*l) = 15.0 and 3.0/(m*l**2) = 3.0, folded exactly as Python evaluates them; 3.0 * u is a
        // float64 product under NumPy 1.x (Python float times np.float32 scalar).
        double w = thdot + (3 * G / (2 * L) * sinTh + 3.0 / (M * L * L) * u) * Dt;
        w = Math.Clamp(w, -MaxSpeed, MaxSpeed);
        newThdot = w;
        newTh = th + w * Dt;
        return -cost;
    }

    /// <summary>Gymnasium's <c>angle_normalize(th) ** 2 + 0.1 * thdot**2 + 0.001 * (u**2)</c> under NumPy 1.x.
    /// <c>** 2</c> on a float64 scalar is libm <c>pow(x, 2.0)</c>, which differs from <c>x * x</c> in the last
    /// bit for about one input in a thousand (<see cref="PyMath.SquareAsPow"/>). <c>u**2</c> on the float32 <c>u</c> is promoted to float64 (a
    /// scalar–scalar operation under value-based casting) and is exact there: u has 24 significant bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Cost(double angleNormalized, double thdot, float u)
    {
        double ud = u;
        return PyMath.SquareAsPow(angleNormalized) + 0.1 * PyMath.SquareAsPow(thdot) + 0.001 * (ud * ud);
    }

    private void WriteObservation(Span<float> observation)
    {
        int i = _i;
        (double sin, double cos) = Math.SinCos(_s.Th[i]);
        _s.SinTh[i] = sin;
        observation[0] = (float)cos;
        observation[1] = (float)sin;
        observation[2] = (float)_s.ThDot[i];
    }

    /// <summary>Pins the physical state (tests, rendering); the step counter restarts at <paramref name="elapsed"/>.</summary>
    internal void SetState(double th, double thdot, int elapsed = 0)
    {
        int i = _i;
        _s.Th[i] = th; _s.ThDot[i] = thdot; _s.Elapsed[i] = elapsed; _s.Started[i] = true;
        _s.SinTh[i] = Math.SinCos(th).Sin; // the same function WriteObservation uses
    }

    public EnvState SaveState() =>
        new(EnvId, [_s.Th[_i], _s.ThDot[_i], _s.Elapsed[_i], _s.Started[_i] ? 1 : 0], _rng.State);

    public void RestoreState(EnvState state)
    {
        ActionCheck.StateShape(EnvId, state, 4);
        _rng.SetState(state.Generator);
        SetState(state.Values[0], state.Values[1], (int)state.Values[2]);
        _s.Started[_i] = state.Values[3] != 0;
    }
}
