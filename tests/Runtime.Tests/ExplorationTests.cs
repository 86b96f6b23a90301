using TrpoEdge.Core.Distributions;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Runtime.Tests.Models;

namespace TrpoEdge.Runtime.Tests;

public sealed class ExplorationTests
{
    private static readonly PlantDescription Pendulum = new("Pendulum-v1", TestPolicy.PendulumObs, TestPolicy.PendulumAct, 0.05);

    [Fact]
    public void Gaussian_exploration_samples_and_log_probs_equal_cores_math_on_the_same_seed()
    {
        var policy = new TestPolicy { LogStd = [0.3f] };
        using var session = PolicySession.Open(policy.Build(), Pendulum, new PolicySessionOptions { Mode = PolicyMode.Explore, Seed = 123 });
        var rng = new Pcg64(123);
        var obs = new float[3];
        var action = new float[1];
        var expected = new float[1];
        for (int t = 0; t < 200; t++)
        {
            obs[0] = MathF.Cos(t * 0.1f); obs[1] = MathF.Sin(t * 0.1f); obs[2] = (t % 17) - 8;
            double logp = session.Act(obs, action);
            float[] mean = policy.Mean(obs);
            DiagGaussian.Sample(mean, policy.S, new[] { rng.NextGaussian() }, expected);
            Assert.Equal(expected[0], action[0], 5);
            Assert.Equal(DiagGaussian.LogProb(mean, policy.S, action), logp, 9);
        }
    }

    [Fact]
    public void Gaussian_log_prob_is_of_the_unclipped_sample_checked_by_hand()
    {
        // Mean -2.9 (obs [-6,0,0]), std e^1: most samples fall outside [-2, 2]. The log-prob must be the
        // Gaussian density at the sample itself: -((a-μ)/σ)²/2 - log σ - log(2π)/2.
        var policy = new TestPolicy { LogStd = [1f] };
        using var session = PolicySession.Open(policy.Build(), Pendulum, new PolicySessionOptions { Mode = PolicyMode.Explore, Seed = 5 });
        var action = new float[1];
        int outside = 0;
        for (int t = 0; t < 50; t++)
        {
            double logp = session.Act([-6, 0, 0], action);
            double z = (action[0] - (double)-2.9f) / Math.E;
            Assert.Equal(-0.5 * z * z - 1.0 - 0.5 * Math.Log(2 * Math.PI), logp, 6);
            if (action[0] < -2 || action[0] > 2) outside++;
        }
        Assert.True(outside > 10, $"only {outside} samples outside the bounds");
    }

    [Fact]
    public void Categorical_exploration_equals_cores_sampling_and_log_prob()
    {
        var obsSpace = SpaceSpec.Box([-5, -5, -5, -5], [5, 5, 5, 5]);
        var policy = new TestPolicy { EnvId = "CartPole-v1", ObservationSpace = obsSpace, ActionSpace = SpaceSpec.Discrete(2) };
        var plant = new PlantDescription("CartPole-v1", obsSpace, SpaceSpec.Discrete(2), 0.05);
        using var session = PolicySession.Open(policy.Build(), plant, new PolicySessionOptions { Mode = PolicyMode.Explore, Seed = 9 });
        var rng = new Pcg64(9);
        var action = new float[1];
        int ones = 0;
        for (int t = 0; t < 300; t++)
        {
            float[] obs = [t % 3 - 1, 0.5f, -0.25f * (t % 5), 0.1f];
            double logp = session.Act(obs, action);
            float[] logits = policy.Mean(obs);
            int expected = Categorical.Sample(logits, rng.NextDouble());
            Assert.Equal(expected, (int)action[0]);
            Assert.Equal(Categorical.LogProb(logits, expected), logp, 9);
            ones += expected;
        }
        Assert.InRange(ones, 1, 299);
    }

    [Fact]
    public void Deterministic_mode_returns_the_clipped_mean_and_a_nan_log_prob()
    {
        var policy = new TestPolicy();
        using var session = PolicySession.Open(policy.Build(), Pendulum);
        var action = new float[1];
        double logp = session.Act([-6, 0, 0], action);
        Assert.Equal(-2f, action[0]);
        Assert.True(double.IsNaN(logp));
        session.Act([1, 0, 0], action);
        Assert.Equal(0.6f, action[0], 6);
    }

    [Fact]
    public void Non_finite_model_outputs_come_back_as_nan_actions_for_the_safety_layer()
    {
        var policy = new TestPolicy();
        using var session = PolicySession.Open(policy.Build(), Pendulum, new PolicySessionOptions { Mode = PolicyMode.Explore });
        var action = new float[1];
        double logp = session.Act([float.NaN, 0, 0], action);
        Assert.True(float.IsNaN(action[0]));
        Assert.True(double.IsNaN(logp));
    }

    [Fact]
    public void Exploring_act_allocates_no_managed_bytes()
    {
        using var session = PolicySession.Open(new TestPolicy().Build(), Pendulum, new PolicySessionOptions { Mode = PolicyMode.Explore });
        var obs = new float[] { 1, 0, 0.5f };
        var action = new float[1];
        for (int i = 0; i < 100; i++) session.Act(obs, action);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5000; i++) session.Act(obs, action);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
