using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Gpu.Tests;

/// <summary>The GAE kernel (time-major rollout, one thread per environment) gives the managed Gae's advantages, with
/// terminations, truncations bootstrapped from the final observation's value, and the rollout's unfinished tail.</summary>
public sealed class GaeKernelTests(Simulator sim) : IClassFixture<Simulator>
{
    [Fact]
    public void Gae_kernel_matches_the_managed_recursion()
    {
        const int E = 3, T = 40;
        var rng = new Random(12);
        int n = E * T;
        var rewards = new double[n];
        var values = new float[n];
        var finalValues = new float[n];
        var lastValues = new float[E];
        var terminated = new byte[n];
        var ended = new byte[n];
        for (int i = 0; i < n; i++)
        {
            rewards[i] = rng.NextDouble() * 2 - 1;
            values[i] = (float)rng.NextDouble();
            finalValues[i] = (float)rng.NextDouble() * 5;
            double u = rng.NextDouble();
            terminated[i] = (byte)(u < 0.05 ? 1 : 0);
            ended[i] = (byte)(u < 0.12 ? 1 : 0); // 0.05–0.12: truncated
        }
        for (int e = 0; e < E; e++) lastValues[e] = (float)rng.NextDouble() * 3;

        Accelerator acc = sim.Device.Accelerator;
        using var dr = acc.Allocate1D(rewards);
        using var dv = acc.Allocate1D(values);
        using var df = acc.Allocate1D(finalValues);
        using var dl = acc.Allocate1D(lastValues);
        using var dt = acc.Allocate1D(terminated);
        using var de = acc.Allocate1D(ended);
        using var da = acc.Allocate1D<float>(n);
        using var dret = acc.Allocate1D<float>(n);
        var gae = acc.LoadAutoGroupedStreamKernel<Index1D, RolloutKernels.GaeArgs>(RolloutKernels.Gae);
        gae(E, new RolloutKernels.GaeArgs
        {
            Rewards = dr.View, Terminated = dt.View, Ended = de.View, Values = dv.View, FinalValues = df.View, LastValues = dl.View,
            Advantages = da.View, Returns = dret.View, Envs = E, Steps = T, Gamma = 0.97, Lambda = 0.9,
        });
        float[] adv = da.GetAsArray1D(), ret = dret.GetAsArray1D();

        for (int e = 0; e < E; e++)
        {
            // The managed layout is env-major: gather env e's series from the time-major rows.
            int[] rows = Enumerable.Range(0, T).Select(t => t * E + e).ToArray();
            var next = new float[T];
            for (int t = 0; t < T; t++)
            {
                int i = rows[t];
                next[t] = terminated[i] == 1 ? 0f : ended[i] == 1 ? finalValues[i] : t + 1 < T ? values[rows[t + 1]] : lastValues[e];
            }
            var expected = new float[T];
            Gae.Compute(rows.Select(i => rewards[i]).ToArray(), rows.Select(i => values[i]).ToArray(), next,
                rows.Select(i => terminated[i] == 1).ToArray(), rows.Select(i => ended[i] == 1).ToArray(), 0.97, 0.9, expected);
            for (int t = 0; t < T; t++)
            {
                Assert.Equal(expected[t], adv[rows[t]]);
                Assert.Equal(expected[t] + values[rows[t]], ret[rows[t]]);
            }
        }
        Assert.Contains(terminated, b => b == 1);
        Assert.Contains(ended.Zip(terminated), p => p.First == 1 && p.Second == 0);
    }
}
