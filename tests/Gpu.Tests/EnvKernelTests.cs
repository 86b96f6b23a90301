using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Gpu.Envs;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Gpu.Tests;

/// <summary>The device environments step exactly as the simulator's VectorEnv: same resets from the same seeds,
/// same observations, rewards, terminations, truncations and autoresets, bit for bit on the CPU accelerator.</summary>
public sealed class EnvKernelTests(Simulator sim) : IClassFixture<Simulator>
{
    [Fact]
    public void Pendulum_kernel_equals_the_simulator_through_truncation_and_autoreset()
    {
        var rng = new Random(7);
        // Actions beyond ±2 exercise the clip; 450 steps cross two time limits, so autoreset draws are compared too.
        Compare(new PendulumDeviceEnv(sim.Device.Accelerator, 5), i => new PendulumEnv(), 3, 450, 99,
            _ => (float)(rng.NextDouble() * 6 - 3));
    }

    [Fact]
    public void CartPole_kernel_equals_the_simulator_through_termination_and_autoreset()
    {
        var rng = new Random(3);
        Compare(new CartPoleDeviceEnv(sim.Device.Accelerator, 6), i => new CartPoleEnv(), 4, 400, 5,
            _ => rng.Next(2));
    }

    [Fact]
    public void A_changed_seed_changes_the_device_resets()
    {
        using var env = new PendulumDeviceEnv(sim.Device.Accelerator, 2);
        using var obs = sim.Device.Accelerator.Allocate1D<float>(6);
        env.Reset(1, obs.View);
        float[] a = obs.GetAsArray1D();
        env.Reset(2, obs.View);
        Assert.NotEqual(a, obs.GetAsArray1D());
    }

    private void Compare(IDeviceEnv device, Func<int, IEnv> factory, int d, int steps, ulong seed, Func<int, float> action)
    {
        using var _ = device;
        int e = device.Count;
        Accelerator acc = sim.Device.Accelerator;
        using var reference = new VectorEnv(factory, e, threads: 1);
        var obs = new float[e * d];
        reference.Reset(seed, obs);
        using var dActions = acc.Allocate1D<float>(e);
        using var dObs = acc.Allocate1D<float>(e * d);
        using var dFinal = acc.Allocate1D<float>(e * d);
        using var dRewards = acc.Allocate1D<double>(e);
        using var dTerm = acc.Allocate1D<byte>(e);
        using var dTrunc = acc.Allocate1D<byte>(e);
        device.Reset(seed, dObs.View);
        Assert.Equal(obs, dObs.GetAsArray1D());

        var actions = new float[e];
        var final = new float[e * d];
        var rewards = new double[e];
        var term = new bool[e];
        var trunc = new bool[e];
        int ends = 0;
        var buffers = new StepBuffers
        {
            Actions = dActions.View, Observations = dObs.View, Final = dFinal.View, Rewards = dRewards.View,
            Terminated = dTerm.View, Truncated = dTrunc.View,
        };
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < e; i++) actions[i] = action(i);
            reference.Step(actions, obs, rewards, term, trunc, final);
            dActions.CopyFromCPU(actions);
            device.Step(buffers);
            Assert.Equal(final, dFinal.GetAsArray1D());
            Assert.Equal(obs, dObs.GetAsArray1D());
            Assert.Equal(rewards, dRewards.GetAsArray1D());
            Assert.Equal(term.Select(b => b ? (byte)1 : (byte)0), dTerm.GetAsArray1D());
            Assert.Equal(trunc.Select(b => b ? (byte)1 : (byte)0), dTrunc.GetAsArray1D());
            ends += term.Count(b => b) + trunc.Count(b => b);
        }
        Assert.True(ends >= e, $"only {ends} episode ends in {steps} steps: the autoreset path was not exercised");
    }
}
