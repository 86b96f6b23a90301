using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>The pendulum rig (<c>RigEnv</c>: DC motor, friction, encoder quantisation, sensor noise, actuation delay,
/// RK4 or semi-implicit Euler substeps) and its domain randomisation (<c>RandomizedRigEnv</c>: per-episode parameters
/// drawn from the rig file's ranges, derived defaults recomputed) as device kernels, with the simulator's arithmetic.
/// Each environment holds its episode's resolved parameters (indexed as <c>RigSpec.Keys</c>) and the constants folded
/// from them.</summary>
internal static class RigKernels
{
    // Indices into RigSpec.Keys (checked against the table by RigDeviceEnv).
    internal const int Gravity = 0, Period = 1, Substeps = 2, MaxEpisodeSteps = 3, DelaySteps = 4, Mass = 5, Length = 6, Com = 7,
        Inertia = 8, Supply = 9, Resistance = 10, TorqueConstant = 11, BackEmf = 12, GearRatio = 13, RotorInertia = 14, Viscous = 15,
        Coulomb = 16, CoulombScale = 17, EncoderCounts = 18, AngleNoise = 19, VelocityNoise = 20, ActionScale = 21, ResetAngle = 22,
        ResetVelocity = 23, ObservationMaxVelocity = 24, LimitAngle = 25, LimitVelocity = 26, LimitTerminate = 27, KeyCount = 28;

    // Folded constants per environment.
    private const int FInertia = 0, FGravityTorque = 1, FTorquePerCommand = 2, FDamping = 3, FCoulomb = 4, FCoulombScale = 5, FH = 6,
        FAngleQuantum = 7, FAngleNoise = 8, FVelocityNoise = 9, FActionScale = 10, FResetAngle = 11, FResetVelocity = 12, FMaxAngle = 13,
        FMaxVelocity = 14, FSubsteps = 15, FMaxSteps = 16, FDelay = 17;
    internal const int FoldedCount = 18;

    internal struct Config
    {
        public ArrayView<double> Nominal, Low, High;
        public ArrayView<int> Keys;
        public ArrayView<byte> Integer;
        public int Randomized, Randomize, Integrator, ComDerived, InertiaDerived, BackEmfDerived, MaxDelay;
    }

    internal struct State
    {
        public ArrayView<double> Th, ThDot, Params, Folded, Delay;
        public ArrayView<int> Elapsed, DelayHead;
        public ArrayView<ulong> Rng, ParamRng;
    }

    internal const ulong ParameterStream = 0xD1B54A32D192ED03UL;

    /// <summary>Resets environment i from its streams, which the host seeded: noise with seed + i, parameters with
    /// (seed + i) ^ the parameter stream constant (as <c>RandomizedRigEnv.Reset(seed)</c>).</summary>
    public static void Reset(Index1D i, State s, Config c, ArrayView<float> observations)
    {
        var rng = DeviceRandom.Load(s.Rng, i);
        var paramRng = DeviceRandom.Load(s.ParamRng, i);
        ResetOne(i, s, c, ref rng, ref paramRng, observations);
        rng.Store(s.Rng, i);
        paramRng.Store(s.ParamRng, i);
    }

    public static void Step(Index1D i, State s, Config c, StepBuffers b)
    {
        long f = (long)i.X * FoldedCount;
        var rng = DeviceRandom.Load(s.Rng, i);
        double a = b.Actions[i];
        double command = a < -1.0 ? -1.0 : a > 1.0 ? 1.0 : a;
        double th = s.Th[i], thdot = s.ThDot[i];
        double an = PendulumKernels.AngleNormalize(th);
        double scaled = s.Folded[f + FActionScale] * command;
        double cost = an * an + 0.1 * (thdot * thdot) + 0.001 * (scaled * scaled);

        double applied = command;
        int delay = (int)s.Folded[f + FDelay];
        if (delay > 0)
        {
            int head = s.DelayHead[i];
            long slot = (long)i.X * c.MaxDelay + head;
            applied = s.Delay[slot];
            s.Delay[slot] = command;
            s.DelayHead[i] = (head + 1) % delay;
        }
        Integrate(s, c, f, ref th, ref thdot, applied);
        s.Th[i] = th;
        s.ThDot[i] = thdot;
        int elapsed = s.Elapsed[i] + 1;
        s.Elapsed[i] = elapsed;
        bool terminated = s.Params[(long)i.X * KeyCount + LimitTerminate] != 0
            && (Math.Abs(th) > s.Folded[f + FMaxAngle] || Math.Abs(thdot) > s.Folded[f + FMaxVelocity]);
        Observe(i, s, f, ref rng, b.Final);
        b.Rewards[i] = -cost;
        bool truncated = elapsed >= (int)s.Folded[f + FMaxSteps];
        b.Terminated[i] = terminated ? (byte)1 : (byte)0;
        b.Truncated[i] = truncated ? (byte)1 : (byte)0;
        if (terminated || truncated)
        {
            var paramRng = DeviceRandom.Load(s.ParamRng, i);
            ResetOne(i, s, c, ref rng, ref paramRng, b.Observations);
            paramRng.Store(s.ParamRng, i);
        }
        else
        {
            for (int k = 0; k < 3; k++) b.Observations[3 * i + k] = b.Final[3 * i + k];
        }
        rng.Store(s.Rng, i);
    }

    /// <summary>A new episode: with randomisation, draw the parameters and fold them (<c>RigEnv.Configure</c>), then
    /// θ, θ̇ from the noise stream, an empty delay line, and the first observation.</summary>
    private static void ResetOne(int i, State s, Config c, ref DeviceRandom rng, ref DeviceRandom paramRng, ArrayView<float> observations)
    {
        long p = (long)i * KeyCount, f = (long)i * FoldedCount;
        if (c.Randomize == 1)
        {
            for (int k = 0; k < KeyCount; k++) s.Params[p + k] = c.Nominal[k];
            for (int r = 0; r < c.Randomized; r++)
            {
                double lo = c.Low[r], hi = c.High[r];
                s.Params[p + c.Keys[r]] = c.Integer[r] != 0
                    ? paramRng.NextInclusive((long)Math.Ceiling(lo), (long)Math.Floor(hi))
                    : paramRng.Uniform(lo, hi);
            }
            // RigSpec's derived defaults, from the drawn values, unless the file or a range set them.
            if (c.ComDerived == 1) s.Params[p + Com] = s.Params[p + Length] / 2;
            if (c.InertiaDerived == 1) s.Params[p + Inertia] = s.Params[p + Mass] * s.Params[p + Length] * s.Params[p + Length] / 3;
            if (c.BackEmfDerived == 1) s.Params[p + BackEmf] = s.Params[p + TorqueConstant];
        }
        Fold(s, p, f);
        s.DelayHead[i] = 0;
        for (int k = 0; k < c.MaxDelay; k++) s.Delay[(long)i * c.MaxDelay + k] = 0;
        double resetAngle = s.Folded[f + FResetAngle], resetVelocity = s.Folded[f + FResetVelocity];
        s.Th[i] = rng.Uniform(-resetAngle, resetAngle);
        s.ThDot[i] = rng.Uniform(-resetVelocity, resetVelocity);
        s.Elapsed[i] = 0;
        Observe(i, s, f, ref rng, observations);
    }

    /// <summary>RigEnv.Configure's folding of the physical constants.</summary>
    private static void Fold(State s, long p, long f)
    {
        ArrayView<double> v = s.Params;
        double n = v[p + GearRatio], r = v[p + Resistance], kt = v[p + TorqueConstant], km = v[p + BackEmf];
        s.Folded[f + FInertia] = v[p + Inertia] + n * n * v[p + RotorInertia];
        s.Folded[f + FGravityTorque] = v[p + Mass] * v[p + Gravity] * v[p + Com];
        s.Folded[f + FTorquePerCommand] = n * kt * v[p + Supply] / r;
        s.Folded[f + FDamping] = n * n * kt * km / r + v[p + Viscous];
        s.Folded[f + FCoulomb] = v[p + Coulomb];
        s.Folded[f + FCoulombScale] = v[p + CoulombScale];
        int substeps = (int)v[p + Substeps];
        s.Folded[f + FSubsteps] = substeps;
        s.Folded[f + FH] = v[p + Period] / substeps;
        double counts = v[p + EncoderCounts];
        s.Folded[f + FAngleQuantum] = counts > 0 ? 2 * Math.PI / counts : 0;
        s.Folded[f + FAngleNoise] = v[p + AngleNoise];
        s.Folded[f + FVelocityNoise] = v[p + VelocityNoise];
        s.Folded[f + FActionScale] = v[p + ActionScale];
        s.Folded[f + FResetAngle] = v[p + ResetAngle];
        s.Folded[f + FResetVelocity] = v[p + ResetVelocity];
        s.Folded[f + FMaxSteps] = (int)v[p + MaxEpisodeSteps];
        double maxAngle = v[p + LimitAngle], maxVelocity = v[p + LimitVelocity];
        s.Folded[f + FMaxAngle] = double.IsNaN(maxAngle) ? double.PositiveInfinity : maxAngle;
        s.Folded[f + FMaxVelocity] = double.IsNaN(maxVelocity) ? double.PositiveInfinity : maxVelocity;
        s.Folded[f + FDelay] = (int)v[p + DelaySteps];
    }

    private static double Acceleration(State s, long f, double th, double thdot, double command) =>
        (s.Folded[f + FGravityTorque] * Math.Sin(th) + s.Folded[f + FTorquePerCommand] * command - s.Folded[f + FDamping] * thdot
         - s.Folded[f + FCoulomb] * Math.Tanh(thdot / s.Folded[f + FCoulombScale])) / s.Folded[f + FInertia];

    private static void Integrate(State s, Config c, long f, ref double th, ref double w, double command)
    {
        double h = s.Folded[f + FH];
        int substeps = (int)s.Folded[f + FSubsteps];
        if (c.Integrator == 1)
        {
            for (int k = 0; k < substeps; k++)
            {
                w += h * Acceleration(s, f, th, w, command);
                th += h * w;
            }
            return;
        }
        for (int k = 0; k < substeps; k++)
        {
            double a1 = Acceleration(s, f, th, w, command);
            double w2 = w + 0.5 * h * a1;
            double a2 = Acceleration(s, f, th + 0.5 * h * w, w2, command);
            double w3 = w + 0.5 * h * a2;
            double a3 = Acceleration(s, f, th + 0.5 * h * w2, w3, command);
            double w4 = w + h * a3;
            double a4 = Acceleration(s, f, th + h * w3, w4, command);
            th += h / 6.0 * (w + 2 * w2 + 2 * w3 + w4);
            w += h / 6.0 * (a1 + 2 * a2 + 2 * a3 + a4);
        }
    }

    /// <summary>The encoder-rounded angle plus noise and the velocity plus noise, as [cos, sin, θ̇].</summary>
    private static void Observe(int i, State s, long f, ref DeviceRandom rng, ArrayView<float> observations)
    {
        double th = s.Th[i];
        double q = s.Folded[f + FAngleQuantum];
        if (q > 0) th = Math.Round(th / q) * q;
        double angleNoise = s.Folded[f + FAngleNoise];
        if (angleNoise > 0) th += angleNoise * rng.NextGaussian();
        double w = s.ThDot[i];
        double velocityNoise = s.Folded[f + FVelocityNoise];
        if (velocityNoise > 0) w += velocityNoise * rng.NextGaussian();
        observations[3 * i] = (float)Math.Cos(th);
        observations[3 * i + 1] = (float)Math.Sin(th);
        observations[3 * i + 2] = (float)w;
    }
}
