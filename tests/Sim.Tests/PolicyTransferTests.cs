namespace TrpoEdge.Sim.Tests;

/// <summary>The direct-drive rig is meant to behave like Pendulum-v1 for a policy written against Pendulum-v1.
/// The policy here is a textbook energy-pumping swing-up with a linear balancing law, tuned for Pendulum-v1
/// only; it sees observations, never state.</summary>
public sealed class PolicyTransferTests
{
    /// <summary>Torque in N·m (Pendulum-v1 units) from [cos θ, sin θ, θ̇].</summary>
    private static float Policy(ReadOnlySpan<float> obs)
    {
        double th = Math.Atan2(obs[1], obs[0]), w = obs[2];
        if (obs[0] > 0.93) return (float)Math.Clamp(-(10 * th + 2 * w), -2, 2);   // balance near upright
        double energy = 0.5 * w * w + 15 * obs[0];                                 // 15 = 3g/2l; upright at rest = 15
        return (float)Math.Clamp(2 * Math.Sign(w) * Math.Sign(15 - energy) + (w == 0 ? 1 : 0), -2, 2);
    }

    private static double MeanReturn(Func<IEnv> make, double actionScale, int episodes)
    {
        double total = 0;
        var obs = new float[3];
        for (int ep = 0; ep < episodes; ep++)
        {
            IEnv env = make();
            env.Reset((ulong)(1000 + ep), obs);
            for (int t = 0; t < env.MaxEpisodeSteps; t++)
            {
                var r = env.Step([Policy(obs) * (float)actionScale], obs);
                total += r.Reward;
                if (r.Done) break;
            }
        }
        return total / episodes;
    }

    [Fact]
    public void A_pendulum_v1_controller_earns_a_similar_return_on_the_nominal_direct_drive_rig()
    {
        double pendulum = MeanReturn(() => new PendulumEnv(), 1.0, 20);
        double rig = MeanReturn(() => new RigEnv(TestRigs.DirectDrive), 0.5, 20); // command = torque / 2 N·m
        Assert.True(pendulum > -250, $"the controller itself should swing up and balance Pendulum-v1: mean return {pendulum:F1}");
        // Measured: about −158 on both. This checks that the policy transfers (observation layout, sign conventions,
        // action scaling); the controller is robust to ±30 % torque or mass, so parameter values are checked elsewhere.
        Assert.True(rig > pendulum * 1.25 - 20, $"rig mean return {rig:F1} vs Pendulum-v1 {pendulum:F1}");
    }
}
