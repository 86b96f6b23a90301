using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>Gymnasium CartPole-v1 as device kernels (explicit Euler, float64 state, float32 observation, reward 1 up
/// to and including the terminal step, 0 after it), the arithmetic of the simulator's <c>CartPoleEnv</c>.</summary>
internal static class CartPoleKernels
{
    private const double Gravity = 9.8, MassCart = 1.0, MassPole = 0.1, Length = 0.5, ForceMag = 10.0, Tau = 0.02;
    private const double TotalMass = MassPole + MassCart;
    private const double PoleMassLength = MassPole * Length;
    private const double ThetaThreshold = 12 * 2 * Math.PI / 360;
    private const double XThreshold = 2.4;
    internal const int TimeLimit = 500;

    internal struct State
    {
        public ArrayView<double> X, XDot, Theta, ThetaDot;
        public ArrayView<int> Elapsed, StepsBeyondTerminated;
        public ArrayView<ulong> Rng;
    }

    public static void Reset(Index1D i, State s, ArrayView<float> observations)
    {
        var rng = DeviceRandom.Load(s.Rng, i);
        ResetOne(i, s, ref rng, observations);
        rng.Store(s.Rng, i);
    }

    public static void Step(Index1D i, State s, StepBuffers b)
    {
        double force = b.Actions[i] == 1f ? ForceMag : -ForceMag;
        double x = s.X[i], xDot = s.XDot[i], theta = s.Theta[i], thetaDot = s.ThetaDot[i];
        double costheta = Math.Cos(theta);
        double sintheta = Math.Sin(theta);
        double temp = (force + PoleMassLength * (thetaDot * thetaDot) * sintheta) / TotalMass;
        double thetaacc = (Gravity * sintheta - costheta * temp)
                          / (Length * (4.0 / 3.0 - MassPole * (costheta * costheta) / TotalMass));
        double xacc = temp - PoleMassLength * thetaacc * costheta / TotalMass;
        x = x + Tau * xDot;
        xDot = xDot + Tau * xacc;
        theta = theta + Tau * thetaDot;
        thetaDot = thetaDot + Tau * thetaacc;
        s.X[i] = x; s.XDot[i] = xDot; s.Theta[i] = theta; s.ThetaDot[i] = thetaDot;
        int elapsed = s.Elapsed[i] + 1;
        s.Elapsed[i] = elapsed;

        bool terminated = x < -XThreshold || x > XThreshold || theta < -ThetaThreshold || theta > ThetaThreshold;
        double reward;
        int beyond = s.StepsBeyondTerminated[i];
        if (!terminated) reward = 1.0;
        else if (beyond < 0) { beyond = 0; reward = 1.0; }
        else { beyond++; reward = 0.0; }
        s.StepsBeyondTerminated[i] = beyond;
        b.Final[4 * i] = (float)x;
        b.Final[4 * i + 1] = (float)xDot;
        b.Final[4 * i + 2] = (float)theta;
        b.Final[4 * i + 3] = (float)thetaDot;
        b.Rewards[i] = reward;
        bool truncated = elapsed >= TimeLimit;
        b.Terminated[i] = terminated ? (byte)1 : (byte)0;
        b.Truncated[i] = truncated ? (byte)1 : (byte)0;
        if (terminated || truncated)
        {
            var rng = DeviceRandom.Load(s.Rng, i);
            ResetOne(i, s, ref rng, b.Observations);
            rng.Store(s.Rng, i);
        }
        else
        {
            for (int k = 0; k < 4; k++) b.Observations[4 * i + k] = b.Final[4 * i + k];
        }
    }

    private static void ResetOne(int i, State s, ref DeviceRandom rng, ArrayView<float> observations)
    {
        double x = rng.Uniform(-0.05, 0.05), xDot = rng.Uniform(-0.05, 0.05);
        double theta = rng.Uniform(-0.05, 0.05), thetaDot = rng.Uniform(-0.05, 0.05);
        s.X[i] = x; s.XDot[i] = xDot; s.Theta[i] = theta; s.ThetaDot[i] = thetaDot;
        s.Elapsed[i] = 0;
        s.StepsBeyondTerminated[i] = -1;
        observations[4 * i] = (float)x;
        observations[4 * i + 1] = (float)xDot;
        observations[4 * i + 2] = (float)theta;
        observations[4 * i + 3] = (float)thetaDot;
    }
}
