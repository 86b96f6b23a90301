using TrpoEdge.Sim.Envs;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim;

/// <summary>Gymnasium Acrobot-v1 (1.x): "book" dynamics, one RK4 step of 0.2 s with the torque held,
/// wrap both angles to [−π, π], clip the velocities. The reset state is float32-rounded (Gymnasium's
/// <c>.astype(np.float32)</c>); every later state is float64.</summary>
public sealed class AcrobotEnv : IEnv, IUncheckedStep
{
    public const string EnvId = "Acrobot-v1";
    internal const double Dt = 0.2;
    internal const double LinkLength1 = 1.0, LinkMass1 = 1.0, LinkMass2 = 1.0, LinkComPos1 = 0.5, LinkComPos2 = 0.5, LinkMoi = 1.0;
    internal const double MaxVel1 = 4 * Math.PI, MaxVel2 = 9 * Math.PI;
    internal const int TimeLimit = 500;
    private static readonly double[] AvailTorque = [-1.0, 0.0, +1];

    private static readonly BoxSpace ObsSpace = new(
        [-1f, -1f, -1f, -1f, -(float)MaxVel1, -(float)MaxVel2],
        [1f, 1f, 1f, 1f, (float)MaxVel1, (float)MaxVel2]);
    private static readonly DiscreteSpace ActSpace = new(3);

    private readonly Pcg64 _rng = new(0);
    private double _t1, _t2, _d1, _d2;
    private int _elapsed;
    private bool _started;

    public string Id => EnvId;
    public Space ObservationSpace => ObsSpace;
    public Space ActionSpace => ActSpace;
    public int MaxEpisodeSteps => TimeLimit;
    public double ControlPeriod => Dt;

    public void Reset(ulong? seed, Span<float> observation)
    {
        ActionCheck.Observation(EnvId, observation, 6);
        if (seed is ulong s) _rng.Seed(s);
        float t1 = (float)_rng.Uniform(-0.1, 0.1), t2 = (float)_rng.Uniform(-0.1, 0.1);
        float d1 = (float)_rng.Uniform(-0.1, 0.1), d2 = (float)_rng.Uniform(-0.1, 0.1);
        _t1 = t1; _t2 = t2; _d1 = d1; _d2 = d2;
        _elapsed = 0;
        _started = true;
        // The reset state is a float32 array, so Gymnasium's cos/sin here are NumPy's float32 ufuncs (its own
        // polynomial), not the float64 C library's rounded to float32; they differ for about 1 input in 1,400.
        observation[0] = NumPyFloat32.Cos(t1);
        observation[1] = NumPyFloat32.Sin(t1);
        observation[2] = NumPyFloat32.Cos(t2);
        observation[3] = NumPyFloat32.Sin(t2);
        observation[4] = d1;
        observation[5] = d2;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ActionCheck.Started(EnvId, _started);
        int a = ActionCheck.Discrete(EnvId, action, 3);
        ActionCheck.Observation(EnvId, observation, 6);
        return StepUnchecked(a, observation);
    }

    StepResult IUncheckedStep.StepUnchecked(float action, Span<float> observation) => StepUnchecked((int)action, observation);

    internal StepResult StepUnchecked(int action, Span<float> observation)
    {
        double torque = AvailTorque[action];
        // rk4(derivs, y0, [0, dt]) with one interval: dt = 0.2 - 0, dt2 = dt / 2.0.
        const double dt = Dt - 0, dt2 = dt / 2.0;
        double y0 = _t1, y1 = _t2, y2 = _d1, y3 = _d2;
        Dsdt(y0, y1, y2, y3, torque, out double k1a, out double k1b, out double k1c, out double k1d);
        Dsdt(y0 + dt2 * k1a, y1 + dt2 * k1b, y2 + dt2 * k1c, y3 + dt2 * k1d, torque,
            out double k2a, out double k2b, out double k2c, out double k2d);
        Dsdt(y0 + dt2 * k2a, y1 + dt2 * k2b, y2 + dt2 * k2c, y3 + dt2 * k2d, torque,
            out double k3a, out double k3b, out double k3c, out double k3d);
        Dsdt(y0 + dt * k3a, y1 + dt * k3b, y2 + dt * k3c, y3 + dt * k3d, torque,
            out double k4a, out double k4b, out double k4c, out double k4d);
        const double h = dt / 6.0;
        double n0 = y0 + h * (k1a + 2 * k2a + 2 * k3a + k4a);
        double n1 = y1 + h * (k1b + 2 * k2b + 2 * k3b + k4b);
        double n2 = y2 + h * (k1c + 2 * k2c + 2 * k3c + k4c);
        double n3 = y3 + h * (k1d + 2 * k2d + 2 * k3d + k4d);

        _t1 = Wrap(n0, -Math.PI, Math.PI);
        _t2 = Wrap(n1, -Math.PI, Math.PI);
        _d1 = Bound(n2, -MaxVel1, MaxVel1);
        _d2 = Bound(n3, -MaxVel2, MaxVel2);
        _elapsed++;

        bool terminated = -Math.Cos(_t1) - Math.Cos(_t2 + _t1) > 1.0;
        WriteObservation(observation);
        return new StepResult(terminated ? 0.0 : -1.0, terminated, _elapsed >= TimeLimit);
    }

    /// <summary>Gymnasium's <c>_dsdt</c>, "book" branch, transcribed term by term in Python's evaluation order.</summary>
    private static void Dsdt(double theta1, double theta2, double dtheta1, double dtheta2, double a,
        out double o1, out double o2, out double o3, out double o4)
    {
        const double m1 = LinkMass1, m2 = LinkMass2, l1 = LinkLength1, lc1 = LinkComPos1, lc2 = LinkComPos2;
        const double I1 = LinkMoi, I2 = LinkMoi, g = 9.8;
        double cos2 = Math.Cos(theta2), sin2 = Math.Sin(theta2);
        // Constant squares (lc1**2 …) are exact either way; squares of state values are libm pow (** 2 on a
        // float64), which differs from x * x in the last bit for a small fraction of inputs.
        double d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + I1 + I2;
        double d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos2) + I2;
        double phi2 = m2 * lc2 * g * Math.Cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -m2 * l1 * lc2 * PyMath.SquareAsPow(dtheta2) * sin2
                      - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2
                      + (m1 * lc1 + m2 * l1) * g * Math.Cos(theta1 - Math.PI / 2)
                      + phi2;
        double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * PyMath.SquareAsPow(dtheta1) * sin2 - phi2)
                          / (m2 * (lc2 * lc2) + I2 - PyMath.SquareAsPow(d2) / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        o1 = dtheta1; o2 = dtheta2; o3 = ddtheta1; o4 = ddtheta2;
    }

    internal static double Wrap(double x, double m, double M)
    {
        double diff = M - m;
        while (x > M) x = x - diff;
        while (x < m) x = x + diff;
        return x;
    }

    /// <summary>Python's <c>min(max(x, m), M)</c>.</summary>
    internal static double Bound(double x, double m, double M)
    {
        double lo = x < m ? m : x; // max(x, m) returns x unless m > x
        return M < lo ? M : lo;    // min(lo, M) returns lo unless M < lo
    }

    private void WriteObservation(Span<float> observation)
    {
        observation[0] = (float)Math.Cos(_t1);
        observation[1] = (float)Math.Sin(_t1);
        observation[2] = (float)Math.Cos(_t2);
        observation[3] = (float)Math.Sin(_t2);
        observation[4] = (float)_d1;
        observation[5] = (float)_d2;
    }

    internal void SetState(double t1, double t2, double d1, double d2, int elapsed = 0)
    {
        _t1 = t1; _t2 = t2; _d1 = d1; _d2 = d2; _elapsed = elapsed; _started = true;
    }

    internal (double Theta1, double Theta2, double Dtheta1, double Dtheta2) State => (_t1, _t2, _d1, _d2);

    public EnvState SaveState() => new(EnvId, [_t1, _t2, _d1, _d2, _elapsed, _started ? 1 : 0], _rng.State);

    public void RestoreState(EnvState state)
    {
        ActionCheck.StateShape(EnvId, state, 6);
        _rng.SetState(state.Generator);
        var v = state.Values;
        SetState(v[0], v[1], v[2], v[3], (int)v[4]);
        _started = v[5] != 0;
    }
}
