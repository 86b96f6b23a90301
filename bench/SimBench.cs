using System.Diagnostics;
using TrpoEdge.Sim;

namespace TrpoEdge.Bench;

/// <summary><c>bench sim [seconds]</c>: environment steps per second for Pendulum-v1 and CartPole-v1 — a single
/// env through IEnv, and VectorEnv with 16 and 1024 copies — each printed with its ratio to a plain scalar
/// loop (the same dynamics written inline, one thread) measured in the same run.</summary>
public static class SimBench
{
    public static int Run(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
        Console.WriteLine($"sim bench: {Environment.ProcessorCount} logical CPUs, {seconds:F1} s per measurement, .NET {Environment.Version}");
        Console.WriteLine($"{"case",-38} {"steps/s",14} {"vs scalar loop",15}");
        foreach (string id in new[] { "Pendulum-v1", "CartPole-v1" })
        {
            double baseline = Measure(seconds, id == "Pendulum-v1" ? PendulumInline : CartPoleInline);
            Print($"{id} scalar inline loop (baseline)", baseline, baseline);
            Print($"{id} single env (IEnv.Step)", Measure(seconds, n => SingleEnv(id, n)), baseline);
            foreach (int count in new[] { 16, 1024 })
            {
                using var vec = new VectorEnv(_ => EnvRegistry.Make(id), count);
                Print($"{id} VectorEnv x{count} ({(vec.Count > 1 ? "auto threads" : "1 thread")})", Measure(seconds, n => Vector(vec, n)), baseline, vec);
                using var serial = new VectorEnv(_ => EnvRegistry.Make(id), count, threads: 1);
                Print($"{id} VectorEnv x{count} (1 thread)", Measure(seconds, n => Vector(serial, n)), baseline);
            }
        }
        return 0;
    }

    private static void Print(string name, double rate, double baseline, VectorEnv? vec = null)
    {
        string note = vec is null ? "" : vec.IsParallel ? "  [pool]" : "  [serial]";
        Console.WriteLine($"{name,-38} {rate,14:N0} {rate / baseline,14:F2}x{note}");
    }

    /// <summary>Runs <paramref name="work"/> (which takes a step budget and returns steps done) repeatedly for
    /// about <paramref name="seconds"/> after a warm-up, and returns the best rate of three rounds.</summary>
    private static double Measure(double seconds, Func<long, long> work)
    {
        work(20_000); // JIT and tiering warm-up
        double best = 0;
        for (int round = 0; round < 3; round++)
        {
            long budget = 50_000, steps = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < seconds / 3)
            {
                steps += work(budget);
                if (sw.Elapsed.TotalSeconds < seconds / 30) budget *= 2;
            }
            best = Math.Max(best, steps / sw.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static readonly float[] Actions = MakeActions(1024);

    private static float[] MakeActions(int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(2.5 * Math.Sin(i * 0.37));
        return a;
    }

    private static long SingleEnv(string id, long steps)
    {
        IEnv env = EnvRegistry.Make(id);
        Span<float> obs = stackalloc float[env.ObservationSpace.FlatSize];
        Span<float> act = stackalloc float[1];
        bool discrete = id == "CartPole-v1";
        env.Reset(1, obs);
        for (long k = 0; k < steps; k++)
        {
            float a = Actions[k & 1023];
            act[0] = discrete ? (a > 0 ? 1 : 0) : a;
            if (env.Step(act, obs).Done) env.Reset(null, obs);
        }
        return steps;
    }

    private const int ActionPatterns = 32;
    private static readonly Dictionary<VectorEnv, float[][]> Buffers = new();

    /// <summary>Steps the vector for about <paramref name="steps"/> env steps. Env i's action changes every step
    /// (cycling through 32 precomputed batches) so CartPole episodes last about as long as in the single-env case.</summary>
    private static long Vector(VectorEnv vec, long steps)
    {
        int n = vec.Count;
        if (!Buffers.TryGetValue(vec, out var b))
        {
            b = new float[ActionPatterns + 2][];
            bool discrete = vec.ActionSpace is TrpoEdge.Sim.Spaces.DiscreteSpace;
            for (int p = 0; p < ActionPatterns; p++)
            {
                b[p] = new float[n * vec.ActSize];
                for (int i = 0; i < b[p].Length; i++)
                {
                    float a = Actions[(p + 31 * i) & 1023];
                    b[p][i] = discrete ? (a > 0 ? 1 : 0) : a;
                }
            }
            b[ActionPatterns] = new float[n * vec.ObsSize];
            b[ActionPatterns + 1] = new float[n * vec.ObsSize];
            Buffers[vec] = b;
            vec.Reset(7, b[ActionPatterns]);
        }
        var rewards = new double[n];
        var terminated = new bool[n];
        var truncated = new bool[n];
        long batches = Math.Max(1, steps / n);
        for (long k = 0; k < batches; k++)
            vec.Step(b[k % ActionPatterns], b[ActionPatterns], rewards, terminated, truncated, b[ActionPatterns + 1]);
        return batches * n;
    }

    /// <summary>Pendulum-v1's step written inline on locals: the reference the env's overhead is measured against.</summary>
    private static long PendulumInline(long steps)
    {
        double th = 0.5, thdot = 0.1, sum = 0;
        float o0 = 0, o1 = 0, o2 = 0;
        ulong seed = 12345;
        int elapsed = 0;
        for (long k = 0; k < steps; k++)
        {
            float u = Math.Clamp(Actions[k & 1023], -2f, 2f);
            double y = th + Math.PI;
            double m = y % (2 * Math.PI);
            if (m < 0) m += 2 * Math.PI;
            double an = m - Math.PI;
            double cost = an * an + 0.1 * (thdot * thdot) + 0.001 * (u * u);
            double nd = Math.Clamp(thdot + (15.0 * Math.Sin(th) + 3.0 * u) * 0.05, -8, 8);
            th += nd * 0.05;
            thdot = nd;
            (double s, double c) = Math.SinCos(th);
            o0 = (float)c; o1 = (float)s; o2 = (float)thdot;
            sum += cost;
            if (++elapsed == 200)
            {
                elapsed = 0;
                seed = seed * 6364136223846793005UL + 1442695040888963407UL;
                th = (seed >> 11) * (1.0 / (1UL << 53)) * 2 * Math.PI - Math.PI;
                thdot = 0;
            }
        }
        GC.KeepAlive(sum + o0 + o1 + o2);
        return steps;
    }

    /// <summary>CartPole-v1's Euler step written inline on locals.</summary>
    private static long CartPoleInline(long steps)
    {
        double x = 0, xd = 0, t = 0.01, td = 0, sum = 0;
        float o = 0;
        int elapsed = 0;
        for (long k = 0; k < steps; k++)
        {
            double force = Actions[k & 1023] > 0 ? 10.0 : -10.0;
            double c = Math.Cos(t), s = Math.Sin(t);
            double temp = (force + 0.05 * td * td * s) / 1.1;
            double ta = (9.8 * s - c * temp) / (0.5 * (4.0 / 3.0 - 0.1 * c * c / 1.1));
            double xa = temp - 0.05 * ta * c / 1.1;
            x += 0.02 * xd; xd += 0.02 * xa; t += 0.02 * td; td += 0.02 * ta;
            o = (float)x + (float)xd + (float)t + (float)td;
            sum += 1.0;
            if (++elapsed == 500 || x < -2.4 || x > 2.4 || t < -0.2094 || t > 0.2094)
            {
                elapsed = 0; x = 0; xd = 0; t = 0.01 * ((k & 7) - 3.5); td = 0;
            }
        }
        GC.KeepAlive(sum + o);
        return steps;
    }
}
