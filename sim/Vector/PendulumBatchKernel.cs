using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TrpoEdge.Sim.Envs;

namespace TrpoEdge.Sim.Vector;

/// <summary>Steps a range of Pendulum-v1 copies stored struct-of-arrays, bit-identical to
/// <see cref="PendulumEnv.Dynamics"/> followed by the observation.
/// <para>Pass 1 is the arithmetic, four envs per 256-bit vector. Profiling showed the scalar version paid
/// more for mispredicted branches (clipping, the angle_normalize cases) than for the arithmetic, since
/// neighbouring envs take different branches; here they become selects. Every lane performs the same
/// IEEE operations in the same order as the scalar code (no fused multiply-add), so the bits match; the cost's
/// libm pow calls are made per lane.
/// angle_normalize's fmod is replaced by the exact subtraction it equals when x + π lies within two periods
/// of [0, 2π) (Sterbenz: y − 2π is exact for 2π ≤ y &lt; 4π); a vector with a lane outside that falls back
/// to the scalar code.</para>
/// <para>Pass 2 makes the one libm sin/cos call per env that the observation needs (its sine is the next
/// step's sin θ), writes the observations and handles the time limit.</para></summary>
internal static class PendulumBatchKernel
{
    public static unsafe void Step(PendulumBatchState s, PendulumEnv[] envs, int lo, int hi,
        float* actions, float* obs, float* final, double* rewards, bool* terminated, bool* truncated)
    {
        double[] th = s.Th, thdot = s.ThDot, sinTh = s.SinTh;
        int[] elapsed = s.Elapsed;
        int i = lo;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 4 <= hi; i += 4)
            {
                if (!DynamicsX4(th, thdot, sinTh, actions, rewards, i))
                {
                    for (int j = i; j < i + 4; j++)
                        rewards[j] = PendulumEnv.Dynamics(actions[j], th[j], thdot[j], sinTh[j], out th[j], out thdot[j]);
                }
            }
        }
        for (; i < hi; i++)
            rewards[i] = PendulumEnv.Dynamics(actions[i], th[i], thdot[i], sinTh[i], out th[i], out thdot[i]);

        for (i = lo; i < hi; i++)
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

    /// <summary>Four envs of <see cref="PendulumEnv.Dynamics"/>; false (nothing written) when an angle needs the
    /// general fmod path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe bool DynamicsX4(double[] thArr, double[] thdotArr, double[] sinArr, float* actions, double* rewards, int i)
    {
        const double c = PyMath.TwoPi;
        Vector256<double> th = Vector256.LoadUnsafe(ref thArr[i]);
        Vector256<double> y = th + Vector256.Create(Math.PI);
        Vector256<double> zero = Vector256<double>.Zero, vc = Vector256.Create(c);
        // Which of the exact cases each lane is in (see the class comment); any other lane → scalar fallback.
        Vector256<double> a = Vector256.GreaterThanOrEqual(y, zero) & Vector256.LessThan(y, vc);              // [0, c)
        Vector256<double> b = Vector256.LessThan(y, zero) & Vector256.GreaterThan(y, -vc);                     // (−c, 0)
        Vector256<double> cc = Vector256.GreaterThanOrEqual(y, vc) & Vector256.LessThan(y, vc + vc);           // [c, 2c)
        Vector256<double> d = Vector256.LessThanOrEqual(y, -vc) & Vector256.GreaterThan(y, -(vc + vc));        // (−2c, −c]
        if ((a | b | cc | d) != Vector256<double>.AllBitsSet) return false;
        Vector256<double> yPlus = y + vc;          // case b: fmod = y, Python adds c
        Vector256<double> yMinus = y - vc;         // case cc: fmod = y − c exactly, non-negative
        Vector256<double> dMod = yPlus;            // case d: fmod = y + c exactly (≤ 0); add c unless it is 0
        Vector256<double> dResult = Vector256.ConditionalSelect(Vector256.LessThan(dMod, zero), dMod + vc, zero);
        Vector256<double> m = Vector256.ConditionalSelect(a, y,
            Vector256.ConditionalSelect(b, yPlus, Vector256.ConditionalSelect(cc, yMinus, dResult)));
        Vector256<double> an = m - Vector256.Create(Math.PI);

        Vector128<float> act = Vector128.Load(actions + i);
        Vector128<float> u = Vector128.Min(Vector128.Max(act, Vector128.Create(-PendulumEnv.MaxTorque)), Vector128.Create(PendulumEnv.MaxTorque));
        (Vector128<double> uLo, Vector128<double> uHi) = Vector128.Widen(u);
        Vector256<double> ud = Vector256.Create(uLo, uHi);

        Vector256<double> w = Vector256.LoadUnsafe(ref thdotArr[i]);
        // The cost's squares are libm pow calls (see PendulumEnv.Cost), which have no vector form: one scalar
        // call per lane, the same function the scalar path calls.
        for (int k = 0; k < 4; k++) rewards[i + k] = -PendulumEnv.Cost(an.GetElement(k), w.GetElement(k), u.GetElement(k));
        Vector256<double> sinTh = Vector256.LoadUnsafe(ref sinArr[i]);
        const double gravityTerm = 3 * PendulumEnv.G / (2 * PendulumEnv.L), torqueTerm = 3.0 / (PendulumEnv.M * PendulumEnv.L * PendulumEnv.L);
        Vector256<double> nw = w + (Vector256.Create(gravityTerm) * sinTh + Vector256.Create(torqueTerm) * ud) * Vector256.Create(PendulumEnv.Dt);
        nw = Vector256.Min(Vector256.Max(nw, Vector256.Create(-PendulumEnv.MaxSpeed)), Vector256.Create(PendulumEnv.MaxSpeed));
        Vector256<double> nth = th + nw * Vector256.Create(PendulumEnv.Dt);
        nth.StoreUnsafe(ref thArr[i]);
        nw.StoreUnsafe(ref thdotArr[i]);
        return true;
    }
}
