using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>Box2D environments in a <see cref="VectorEnv"/>: same-step autoreset, each row the single environment's
/// stream, on one thread and on the worker pool.</summary>
public sealed class Box2DVectorTests
{
    [RequiresBox2DTheory]
    [InlineData("LunarLander-v2", 1)]
    [InlineData("LunarLanderContinuous-v2", 3)]
    [InlineData("BipedalWalker-v3", 3)]
    public void Vector_rows_match_single_envs_with_autoreset(string id, int threads)
    {
        const int n = 3, steps = 300;
        using var vec = new VectorEnv(_ => EnvRegistry.Make(id), n, threads);
        vec.ForceParallel = threads > 1;
        int os = vec.ObsSize, asz = vec.ActionSpace is DiscreteSpace ? 1 : vec.ActSize;
        var obs = new float[n * os];
        var final = new float[n * os];
        var rewards = new double[n];
        var terminated = new bool[n];
        var truncated = new bool[n];
        vec.Reset(20, obs);

        var singles = Enumerable.Range(0, n).Select(_ => EnvRegistry.Make(id)).ToArray();
        var sObs = new float[n][];
        for (int i = 0; i < n; i++)
        {
            sObs[i] = new float[os];
            singles[i].Reset(20 + (ulong)i, sObs[i]);
            Assert.Equal(sObs[i], obs.AsSpan(i * os, os).ToArray());
        }

        var rng = new Pcg64(8);
        var actions = new float[n * asz];
        int resets = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int k = 0; k < actions.Length; k++)
                actions[k] = vec.ActionSpace is DiscreteSpace d ? rng.NextInclusive(0, d.N - 1) : (float)rng.Uniform(-1, 1);
            vec.Step(actions, obs, rewards, terminated, truncated, final);
            for (int i = 0; i < n; i++)
            {
                StepResult r = singles[i].Step(actions.AsSpan(i * asz, asz), sObs[i]);
                Assert.Equal(r.Reward, rewards[i]);
                Assert.Equal(r.Terminated, terminated[i]);
                Assert.Equal(r.Truncated, truncated[i]);
                Assert.Equal(sObs[i], final.AsSpan(i * os, os).ToArray());
                if (r.Done)
                {
                    singles[i].Reset(null, sObs[i]);
                    resets++;
                }
                Assert.Equal(sObs[i], obs.AsSpan(i * os, os).ToArray());
            }
        }
        Assert.True(resets > 0, "no episode ended: the autoreset path was not exercised");
    }
}
