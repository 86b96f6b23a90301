using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>Gymnasium Pendulum-v1 as device kernels, one thread per environment, with the simulator's arithmetic
/// (float64 state, float32 observation, NumPy's float32 clip of the action, Python's modulo in angle_normalize), so
/// on the CPU accelerator the steps equal <c>PendulumEnv</c>'s bit for bit.</summary>
internal static class PendulumKernels
{
    private const double G = 10.0, M = 1.0, L = 1.0, Dt = 0.05, MaxSpeed = 8.0, TwoPi = 2 * Math.PI;
    private const float MaxTorque = 2.0f;
    internal const int TimeLimit = 200;

    internal struct State
    {
        public ArrayView<double> Th, ThDot, SinTh;
        public ArrayView<int> Elapsed;
        public ArrayView<ulong> Rng;
    }

    /// <summary>Resets environment i from its stream, which the host seeded with seed + i (as <c>VectorEnv.Reset</c>).</summary>
    public static void Reset(Index1D i, State s, ArrayView<float> observations)
    {
        var rng = DeviceRandom.Load(s.Rng, i);
        ResetOne(i, s, ref rng, observations);
        rng.Store(s.Rng, i);
    }

    public static void Step(Index1D i, State s, StepBuffers b)
    {
        float u = b.Actions[i];
        u = u < -MaxTorque ? -MaxTorque : u > MaxTorque ? MaxTorque : u;
        double th = s.Th[i], thdot = s.ThDot[i];
        double an = AngleNormalize(th);
        // Python's x ** 2 on a float64 is libm pow(x, 2.0) (the simulator's PyMath.SquareAsPow, which equals pow bit for
        // bit); u ** 2 is promoted to float64, where it is exact.
        double ud = u;
        double cost = Math.Pow(an, 2.0) + 0.1 * Math.Pow(thdot, 2.0) + 0.001 * (ud * ud);
        double w = thdot + (3 * G / (2 * L) * s.SinTh[i] + 3.0 / (M * L * L) * u) * Dt;
        w = w < -MaxSpeed ? -MaxSpeed : w > MaxSpeed ? MaxSpeed : w;
        th += w * Dt;
        s.Th[i] = th;
        s.ThDot[i] = w;
        int elapsed = s.Elapsed[i] + 1;
        s.Elapsed[i] = elapsed;
        WriteObservation(i, s, b.Final);
        b.Rewards[i] = -cost;
        b.Terminated[i] = 0;
        bool truncated = elapsed >= TimeLimit;
        b.Truncated[i] = truncated ? (byte)1 : (byte)0;
        if (truncated)
        {
            var rng = DeviceRandom.Load(s.Rng, i);
            ResetOne(i, s, ref rng, b.Observations);
            rng.Store(s.Rng, i);
        }
        else
        {
            for (int k = 0; k < 3; k++) b.Observations[3 * i + k] = b.Final[3 * i + k];
        }
    }

    private static void ResetOne(int i, State s, ref DeviceRandom rng, ArrayView<float> observations)
    {
        s.Th[i] = rng.Uniform(-Math.PI, Math.PI);
        s.ThDot[i] = rng.Uniform(-1.0, 1.0);
        s.Elapsed[i] = 0;
        WriteObservation(i, s, observations);
    }

    private static void WriteObservation(int i, State s, ArrayView<float> observations)
    {
        double th = s.Th[i];
        double sin = Math.Sin(th), cos = Math.Cos(th);
        s.SinTh[i] = sin;
        observations[3 * i] = (float)cos;
        observations[3 * i + 1] = (float)sin;
        observations[3 * i + 2] = (float)s.ThDot[i];
    }

    /// <summary>((x + π) mod 2π) − π with Python's modulo (the result takes the divisor's sign).</summary>
    internal static double AngleNormalize(double x)
    {
        double y = x + Math.PI;
        double m;
        if (y >= 0 && y < TwoPi) m = y;
        else if (y < 0 && y > -TwoPi) m = y + TwoPi;
        else
        {
            m = y % TwoPi; // IEEE fmod, exact
            if (m != 0) { if (m < 0) m += TwoPi; }
            else m = 0.0;
        }
        return m - Math.PI;
    }
}
