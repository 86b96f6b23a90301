using TrpoEdge.Sim.Envs;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim;

/// <summary>A pendulum on a DC motor's axis, as a real rig presents it to a controller: the command in
/// [−1, 1] sets the motor voltage, the motor's resistance, torque and back-EMF constants and gearing shape
/// the torque, friction dissipates, the encoder quantises the angle, the sensors add Gaussian noise, and
/// the command may take effect whole control periods later. θ = 0 is upright, as in Pendulum-v1, and the
/// observation is [cos θ, sin θ, θ̇] so Pendulum-trained policies transfer.
/// <para>Model: J·θ̈ = m·g·c·sin θ + N·kt·i − b·θ̇ − Fc·tanh(θ̇/v_s), with i = (V − N·km·θ̇)/R (inductance
/// neglected: its time constant is far below the control period) and J = J_pendulum + N²·J_rotor.
/// Coulomb friction uses a smooth tanh rather than sign(θ̇): sign() makes the right-hand side discontinuous
/// at rest, so a fixed-step integrator chatters around θ̇ = 0 and energy is not monotone; the tanh with a
/// small velocity scale is the usual smooth surrogate and keeps RK4 well behaved.</para>
/// <para>Reward is Pendulum-v1's on the true state before the update: angle_normalize(θ)² + 0.1·θ̇² +
/// 0.001·(s·u)², u the clipped command and s = <c>reward.action_scale</c> (2 makes u = ±1 cost like ±2 N·m).</para></summary>
public sealed class RigEnv : IEnv
{
    private static readonly BoxSpace ActSpace = new([-1f], [1f]);

    private readonly Pcg64 _rng = new(0);
    private RigSpec _spec = null!;
    private BoxSpace _obsSpace = null!;
    private string _id = "";
    // Physical constants folded once per configuration.
    private double _inertia, _gravityTorque, _torquePerCommand, _damping, _coulomb, _coulombScale, _h;
    private double _angleQuantum, _angleNoise, _velocityNoise, _actionScale, _resetAngle, _resetVelocity;
    private double _maxAngle = double.PositiveInfinity, _maxVelocity = double.PositiveInfinity;
    private bool _terminateOnLimits;
    private int _substeps, _maxSteps;
    private RigIntegrator _integrator;

    private double _th, _thdot;
    private int _elapsed;
    private bool _started;
    private double[] _delay = [];
    private int _delayHead; // index of the oldest pending command

    public RigEnv(RigSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Configure(spec);
    }

    public RigSpec Spec => _spec;
    public string Id => _id;
    public Space ObservationSpace => _obsSpace;
    public Space ActionSpace => ActSpace;
    public int MaxEpisodeSteps => _maxSteps;
    public double ControlPeriod => _spec.ControlPeriod;

    internal double Theta => _th;
    internal double ThetaDot => _thdot;
    internal int Elapsed => _elapsed;

    /// <summary>Total mechanical energy ½Jθ̇² + m·g·c·cos θ (upright is the maximum), for tests.</summary>
    internal double Energy => 0.5 * _inertia * _thdot * _thdot + _gravityTorque * Math.Cos(_th);

    /// <summary>Adopts new parameters (used per episode by <see cref="RandomizedRigEnv"/>). The delay buffer is
    /// resized and cleared; the physical state is kept.</summary>
    internal void Configure(RigSpec spec)
    {
        _spec = spec;
        _id = "Rig:" + spec.Name;
        double n = spec["motor.gear_ratio"], r = spec["motor.resistance"];
        double kt = spec["motor.torque_constant"], km = spec["motor.back_emf_constant"];
        _inertia = spec["pendulum.inertia"] + n * n * spec["motor.rotor_inertia"];
        _gravityTorque = spec["pendulum.mass"] * spec["gravity"] * spec["pendulum.com"];
        _torquePerCommand = n * kt * spec["motor.supply_voltage"] / r;
        _damping = n * n * kt * km / r + spec["friction.viscous"];
        _coulomb = spec["friction.coulomb"];
        _coulombScale = spec["friction.coulomb_velocity_scale"];
        _substeps = spec.Substeps;
        _h = spec.ControlPeriod / _substeps;
        _integrator = spec.Integrator;
        double counts = spec["sensor.encoder_counts_per_rev"];
        _angleQuantum = counts > 0 ? 2 * Math.PI / counts : 0;
        _angleNoise = spec["sensor.angle_noise_std"];
        _velocityNoise = spec["sensor.velocity_noise_std"];
        _actionScale = spec["reward.action_scale"];
        _resetAngle = spec["reset.max_angle"];
        _resetVelocity = spec["reset.max_velocity"];
        _maxSteps = spec.MaxEpisodeSteps;
        _maxAngle = spec.Limits.MaxAngle ?? double.PositiveInfinity;
        _maxVelocity = spec.Limits.MaxVelocity ?? double.PositiveInfinity;
        _terminateOnLimits = spec.Limits.Terminate;
        float ov = (float)spec["observation.max_velocity"];
        _obsSpace = new BoxSpace([-1f, -1f, -ov], [1f, 1f, ov]);
        if (_delay.Length != spec.DelaySteps) _delay = new double[spec.DelaySteps];
        Array.Clear(_delay);
        _delayHead = 0;
    }

    public void Reset(ulong? seed, Span<float> observation)
    {
        ActionCheck.Observation(_id, observation, 3);
        if (seed is ulong s) _rng.Seed(s);
        _th = _rng.Uniform(-_resetAngle, _resetAngle);
        _thdot = _rng.Uniform(-_resetVelocity, _resetVelocity);
        Array.Clear(_delay);
        _delayHead = 0;
        _elapsed = 0;
        _started = true;
        Observe(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ActionCheck.Started(_id, _started);
        float a = ActionCheck.Box1(_id, action);
        ActionCheck.Observation(_id, observation, 3);

        double command = Math.Clamp((double)a, -1.0, 1.0);
        double an = PyMath.AngleNormalize(_th);
        double scaled = _actionScale * command;
        double cost = an * an + 0.1 * (_thdot * _thdot) + 0.001 * (scaled * scaled);

        double applied = command;
        if (_delay.Length > 0)
        {
            applied = _delay[_delayHead];
            _delay[_delayHead] = command;
            _delayHead = (_delayHead + 1) % _delay.Length;
        }
        Integrate(applied);
        _elapsed++;
        bool terminated = _terminateOnLimits && (Math.Abs(_th) > _maxAngle || Math.Abs(_thdot) > _maxVelocity);
        Observe(observation);
        return new StepResult(-cost, terminated, _elapsed >= _maxSteps);
    }

    private double Acceleration(double th, double thdot, double command) =>
        (_gravityTorque * Math.Sin(th) + _torquePerCommand * command - _damping * thdot
         - _coulomb * Math.Tanh(thdot / _coulombScale)) / _inertia;

    private void Integrate(double command)
    {
        double th = _th, w = _thdot, h = _h;
        if (_integrator == RigIntegrator.SemiImplicitEuler)
        {
            for (int k = 0; k < _substeps; k++)
            {
                w += h * Acceleration(th, w, command);
                th += h * w;
            }
        }
        else
        {
            for (int k = 0; k < _substeps; k++)
            {
                double a1 = Acceleration(th, w, command);
                double w2 = w + 0.5 * h * a1;
                double a2 = Acceleration(th + 0.5 * h * w, w2, command);
                double w3 = w + 0.5 * h * a2;
                double a3 = Acceleration(th + 0.5 * h * w2, w3, command);
                double w4 = w + h * a3;
                double a4 = Acceleration(th + h * w3, w4, command);
                th += h / 6.0 * (w + 2 * w2 + 2 * w3 + w4);
                w += h / 6.0 * (a1 + 2 * a2 + 2 * a3 + a4);
            }
        }
        _th = th;
        _thdot = w;
    }

    /// <summary>What the controller sees: the angle rounded to the nearest encoder count plus noise, the
    /// velocity plus noise. Noise comes from the env's generator, so it replays after RestoreState.</summary>
    private void Observe(Span<float> observation)
    {
        double th = _th;
        if (_angleQuantum > 0) th = Math.Round(th / _angleQuantum) * _angleQuantum;
        if (_angleNoise > 0) th += _angleNoise * _rng.NextGaussian();
        double w = _thdot;
        if (_velocityNoise > 0) w += _velocityNoise * _rng.NextGaussian();
        (double sin, double cos) = Math.SinCos(th);
        observation[0] = (float)cos;
        observation[1] = (float)sin;
        observation[2] = (float)w;
    }

    internal void SetState(double th, double thdot, int elapsed = 0)
    {
        _th = th; _thdot = thdot; _elapsed = elapsed; _started = true;
        Array.Clear(_delay);
        _delayHead = 0;
    }

    /// <summary>Values: θ, θ̇, step count, started flag, then pending commands oldest first.</summary>
    public EnvState SaveState()
    {
        var values = new double[4 + _delay.Length];
        values[0] = _th; values[1] = _thdot; values[2] = _elapsed; values[3] = _started ? 1 : 0;
        for (int i = 0; i < _delay.Length; i++) values[4 + i] = _delay[(_delayHead + i) % _delay.Length];
        return new EnvState(_id, values, _rng.State);
    }

    public void RestoreState(EnvState state)
    {
        ActionCheck.StateShape(_id, state, 4 + _delay.Length);
        _rng.SetState(state.Generator);
        var v = state.Values;
        SetState(v[0], v[1], (int)v[2]);
        _started = v[3] != 0;
        for (int i = 0; i < _delay.Length; i++) _delay[i] = v[4 + i];
    }
}
