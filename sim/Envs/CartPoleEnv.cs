using TrpoEdge.Sim.Envs;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim;

/// <summary>Gymnasium CartPole-v1 (1.x: np.cos, np.sin, np.square), explicit Euler, float64 state, float32 observation
/// [x, ẋ, θ, θ̇]. Reward +1 on every step including the terminal one; 0 for steps taken after
/// termination (Gymnasium's steps_beyond_terminated).</summary>
public sealed class CartPoleEnv : IEnv, IUncheckedStep
{
    public const string EnvId = "CartPole-v1";
    internal const double Gravity = 9.8, MassCart = 1.0, MassPole = 0.1, Length = 0.5, ForceMag = 10.0, Tau = 0.02;
    internal const double TotalMass = MassPole + MassCart;
    internal const double PoleMassLength = MassPole * Length;
    internal const double ThetaThreshold = 12 * 2 * Math.PI / 360;
    internal const double XThreshold = 2.4;
    internal const int TimeLimit = 500;

    private static readonly BoxSpace ObsSpace = new(
        [-(float)(XThreshold * 2), -float.MaxValue, -(float)(ThetaThreshold * 2), -float.MaxValue],
        [(float)(XThreshold * 2), float.MaxValue, (float)(ThetaThreshold * 2), float.MaxValue]);
    private static readonly DiscreteSpace ActSpace = new(2);

    private readonly Pcg64 _rng = new(0);
    private double _x, _xDot, _theta, _thetaDot;
    private int _elapsed;
    private int _stepsBeyondTerminated = -1; // -1 stands for Gymnasium's None
    private bool _started;

    public string Id => EnvId;
    public Space ObservationSpace => ObsSpace;
    public Space ActionSpace => ActSpace;
    public int MaxEpisodeSteps => TimeLimit;
    public double ControlPeriod => Tau;

    public void Reset(ulong? seed, Span<float> observation)
    {
        ActionCheck.Observation(EnvId, observation, 4);
        if (seed is ulong s) _rng.Seed(s);
        _x = _rng.Uniform(-0.05, 0.05);
        _xDot = _rng.Uniform(-0.05, 0.05);
        _theta = _rng.Uniform(-0.05, 0.05);
        _thetaDot = _rng.Uniform(-0.05, 0.05);
        _elapsed = 0;
        _stepsBeyondTerminated = -1;
        _started = true;
        WriteObservation(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ActionCheck.Started(EnvId, _started);
        int a = ActionCheck.Discrete(EnvId, action, 2);
        ActionCheck.Observation(EnvId, observation, 4);
        return StepUnchecked(a, observation);
    }

    StepResult IUncheckedStep.StepUnchecked(float action, Span<float> observation) => StepUnchecked((int)action, observation);

    internal StepResult StepUnchecked(int action, Span<float> observation)
    {
        double force = action == 1 ? ForceMag : -ForceMag;
        double costheta = Math.Cos(_theta);
        double sintheta = Math.Sin(_theta);
        double temp = (force + PoleMassLength * (_thetaDot * _thetaDot) * sintheta) / TotalMass;
        double thetaacc = (Gravity * sintheta - costheta * temp)
                          / (Length * (4.0 / 3.0 - MassPole * (costheta * costheta) / TotalMass));
        double xacc = temp - PoleMassLength * thetaacc * costheta / TotalMass;
        // Euler: positions advance with the old velocities.
        _x = _x + Tau * _xDot;
        _xDot = _xDot + Tau * xacc;
        _theta = _theta + Tau * _thetaDot;
        _thetaDot = _thetaDot + Tau * thetaacc;
        _elapsed++;

        bool terminated = _x < -XThreshold || _x > XThreshold || _theta < -ThetaThreshold || _theta > ThetaThreshold;
        double reward;
        if (!terminated) reward = 1.0;
        else if (_stepsBeyondTerminated < 0) { _stepsBeyondTerminated = 0; reward = 1.0; }
        else { _stepsBeyondTerminated++; reward = 0.0; }
        WriteObservation(observation);
        return new StepResult(reward, terminated, _elapsed >= TimeLimit);
    }

    private void WriteObservation(Span<float> observation)
    {
        observation[0] = (float)_x;
        observation[1] = (float)_xDot;
        observation[2] = (float)_theta;
        observation[3] = (float)_thetaDot;
    }

    internal void SetState(double x, double xDot, double theta, double thetaDot, int elapsed = 0)
    {
        _x = x; _xDot = xDot; _theta = theta; _thetaDot = thetaDot;
        _elapsed = elapsed; _stepsBeyondTerminated = -1; _started = true;
    }

    internal (double X, double XDot, double Theta, double ThetaDot) State => (_x, _xDot, _theta, _thetaDot);

    public EnvState SaveState() =>
        new(EnvId, [_x, _xDot, _theta, _thetaDot, _elapsed, _stepsBeyondTerminated, _started ? 1 : 0], _rng.State);

    public void RestoreState(EnvState state)
    {
        ActionCheck.StateShape(EnvId, state, 7);
        _rng.SetState(state.Generator);
        var v = state.Values;
        SetState(v[0], v[1], v[2], v[3], (int)v[4]);
        _stepsBeyondTerminated = (int)v[5];
        _started = v[6] != 0;
    }
}
