using ILGPU.Runtime;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Gpu.Envs;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Gpu.Tests;

/// <summary>The rig kernels step exactly as the simulator's RigEnv (nominal) and RandomizedRigEnv (a parameter draw per
/// episode): motor, friction, encoder quantisation, sensor noise, actuation delay, both integrators, limits,
/// truncation and autoreset, bit for bit on the CPU accelerator.</summary>
public sealed class RigKernelTests(Simulator sim) : IClassFixture<Simulator>
{
    private const string Rig = """
        name: test-rig
        gravity: 9.81
        max_episode_steps: 60
        delay_steps: 1
        control:
          period: 0.02
          substeps: 4
          integrator: INTEGRATOR
        pendulum:
          mass: 0.2
          length: 0.3
        motor:
          supply_voltage: 12.0
          resistance: 2.0
          torque_constant: 0.05
          gear_ratio: 3
          rotor_inertia: 1.0e-5
        friction:
          viscous: 0.001
          coulomb: 0.002
        sensor:
          encoder_counts_per_rev: 2048
          angle_noise_std: 0.003
          velocity_noise_std: 0.02
        limits:
          max_velocity: 30
          terminate: true
        randomization:
          pendulum.mass: [0.15, 0.25]
          pendulum.length: [0.25, 0.35]
          motor.torque_constant: [0.04, 0.06]
          sensor.velocity_noise_std: [0.0, 0.05]
          delay_steps: [0, 2]
        """;

    [Theory]
    [InlineData("rk4", false)]
    [InlineData("semi_implicit_euler", false)]
    [InlineData("rk4", true)]
    public void Rig_kernel_equals_the_simulator(string integrator, bool randomize)
    {
        RigSpec spec = RigSpec.Parse(Rig.Replace("INTEGRATOR", integrator), "test-rig.yaml");
        const int e = 4, steps = 200;
        Accelerator acc = sim.Device.Accelerator;
        using var device = new RigDeviceEnv(acc, spec, e, randomize);
        using var reference = new VectorEnv(_ => randomize ? new RandomizedRigEnv(spec) : new RigEnv(spec), e, threads: 1);
        var obs = new float[e * 3];
        reference.Reset(17, obs);
        using var dActions = acc.Allocate1D<float>(e);
        using var dObs = acc.Allocate1D<float>(e * 3);
        using var dFinal = acc.Allocate1D<float>(e * 3);
        using var dRewards = acc.Allocate1D<double>(e);
        using var dTerm = acc.Allocate1D<byte>(e);
        using var dTrunc = acc.Allocate1D<byte>(e);
        device.Reset(17, dObs.View);
        Assert.Equal(obs, dObs.GetAsArray1D());
        var buffers = new StepBuffers
        {
            Actions = dActions.View, Observations = dObs.View, Final = dFinal.View, Rewards = dRewards.View,
            Terminated = dTerm.View, Truncated = dTrunc.View,
        };
        var rng = new Random(4);
        var actions = new float[e];
        var final = new float[e * 3];
        var rewards = new double[e];
        var term = new bool[e];
        var trunc = new bool[e];
        int terminations = 0, truncations = 0;
        for (int t = 0; t < steps; t++)
        {
            // Bang-bang commands beyond ±1 (clipped) pump energy until the velocity limit terminates some episodes.
            for (int i = 0; i < e; i++) actions[i] = (float)((t / 15 + i) % 2 == 0 ? 1.5 : -1.5 + 0.2 * rng.NextDouble());
            reference.Step(actions, obs, rewards, term, trunc, final);
            dActions.CopyFromCPU(actions);
            device.Step(buffers);
            Assert.Equal(final, dFinal.GetAsArray1D());
            Assert.Equal(obs, dObs.GetAsArray1D());
            Assert.Equal(rewards, dRewards.GetAsArray1D());
            Assert.Equal(term.Select(b => b ? (byte)1 : (byte)0), dTerm.GetAsArray1D());
            Assert.Equal(trunc.Select(b => b ? (byte)1 : (byte)0), dTrunc.GetAsArray1D());
            terminations += term.Count(b => b);
            truncations += trunc.Count(b => b);
        }
        Assert.True(truncations >= e, $"{truncations} truncations: autoreset (and, randomised, new draws) not exercised");
    }
}
