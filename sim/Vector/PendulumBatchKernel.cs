using TrpoEdge.Sim.Envs;

namespace TrpoEdge.Sim.Vector;

/// <summary>Steps a range of Pendulum-v1 copies stored struct-of-arrays. Pass 1 is the arithmetic of
/// <see cref="PendulumEnv.Dynamics"/> over plain arrays (no calls, no dispatch); pass 2 makes the one
/// libm sin/cos call per env that the observation needs (its sine is the next step's sin θ), writes the
/// observations and handles the time limit. Same operations in the same order as the single env, so the
/// results are bit-identical; only the loop structure differs.</summary>
internal static class PendulumBatchKernel
{
    public static unsafe void Step(PendulumBatchState s, PendulumEnv[] envs, int lo, int hi,
        float* actions, float* obs, float* final, double* rewards, bool* terminated, bool* truncated)
    {
        double[] th = s.Th, thdot = s.ThDot, sinTh = s.SinTh;
        int[] elapsed = s.Elapsed;
        for (int i = lo; i < hi; i++)
            rewards[i] = PendulumEnv.Dynamics(actions[i], th[i], thdot[i], sinTh[i], out th[i], out thdot[i]);
        for (int i = lo; i < hi; i++)
        {
            (double sin, double cos) = Math.SinCos(th[i]);
            sinTh[i] = sin;
            float c = (float)cos, sn = (float)sin, w = (float)thdot[i];
            float* f = final + 3 * i;
            f[0] = c; f[1] = sn; f[2] = w;
            terminated[i] = false;
            bool cut = ++elapsed[i] >= PendulumEnv.TimeLimit;
            truncated[i] = cut;
            float* o = obs + 3 * i;
            if (cut) envs[i].Reset(null, new Span<float>(o, 3));
            else { o[0] = c; o[1] = sn; o[2] = w; }
        }
    }
}
