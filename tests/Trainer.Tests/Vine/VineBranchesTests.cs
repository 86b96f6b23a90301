using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Normalization;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Sampling;

namespace TrpoEdge.Trainer.Tests.Vine;

public sealed class VineBranchesTests
{
    private const double Gamma = 0.9;

    /// <summary>A Pendulum-v1 state in mid-swing: reset with a seed, then a few steps of a fixed torque.</summary>
    private static EnvState PendulumState(IEnv env)
    {
        var obs = new float[3];
        env.Reset(3, obs);
        for (int i = 0; i < 7; i++) env.Step([1.3f], obs);
        return env.SaveState();
    }

    [Fact]
    public void Two_pendulum_branches_with_the_same_first_action_return_bit_identical_values_under_common_random_numbers()
    {
        IEnv probe = EnvRegistry.Make("Pendulum-v1");
        EnvState state = PendulumState(probe);
        MlpPolicy policy = VineTestData.PolicyFor(probe, logStd: 0.5); // wide noise: the continuation differs visibly without CRN
        ValueFunction critic = VineTestData.CriticFor(probe);
        var branches = new VineBranches(() => EnvRegistry.Make("Pendulum-v1"), policy, VineTestData.Identity(probe), critic);
        var q = new double[4];

        long steps = branches.Estimate([state], 4, [0.7f, -1.5f, 0.7f, 1.9f], [42UL], Gamma, 25, bootstrap: true, q);

        Assert.Equal(4 * 25, steps);
        Assert.Equal(q[0], q[2]); // exact: same restored state, same action, same noise stream
        Assert.NotEqual(q[0], q[1]);
        Assert.NotEqual(q[0], q[3]);

        // Without common random numbers (a different noise seed per state) the same action gives a different Q̂:
        // the equality above is the CRN's doing, not an insensitive estimator.
        var independent = new double[2];
        branches.Estimate([state, state], 1, [0.7f, 0.7f], [42UL, 43UL], Gamma, 25, bootstrap: true, independent);
        Assert.Equal(q[0], independent[0]);
        Assert.NotEqual(independent[0], independent[1]);
    }

    [Fact]
    public void Branches_restore_the_environments_own_generator_so_noisy_rewards_repeat_exactly()
    {
        var env = new ChainEnv { Length = 50, Start = 10, PositionCost = 0.1, RewardNoise = 1.0 };
        var obs = new float[1];
        env.Reset(5, obs);
        env.Step([1f], obs); // advance the generator: the state carries a non-initial stream
        EnvState state = env.SaveState();
        double original = env.Step([1f], obs).Reward; // what the environment itself did next
        MlpPolicy policy = VineTestData.PolicyFor(env); // a stochastic policy over both actions
        var branches = new VineBranches(() => new ChainEnv { Length = 50, Start = 10, PositionCost = 0.1, RewardNoise = 1.0 }, policy, VineTestData.Identity(env), null);
        var q = new double[4];

        branches.Estimate([state, state], 2, [1f, 1f, 0f, 1f], [9UL, 9UL], Gamma, 12, bootstrap: false, q);

        Assert.Equal(q[0], q[1]);
        Assert.Equal(q[0], q[3]); // a second state with the same seed: the whole branch repeats
        Assert.NotEqual(q[0], q[2]);

        // One step from the restored state reproduces the original environment's noisy reward exactly.
        branches.Estimate([state], 1, [1f], [9UL], Gamma, 1, bootstrap: false, q);
        Assert.Equal(original, q[0]);
    }

    [Theory]
    [InlineData(2, 1.0)] // right: 4 steps to the goal
    [InlineData(2, 0.0)] // left to 1, then 5 steps right
    [InlineData(0, 0.0)] // left at the wall stays at 0, then 6 steps right
    public void Q_hat_on_a_deterministic_chain_equals_the_analytic_discounted_return(int start, float action)
    {
        var env = new ChainEnv { Length = 6, Start = start };
        env.Reset(1, new float[1]);
        EnvState state = env.SaveState();
        var branches = new VineBranches(() => new ChainEnv { Length = 6 }, VineTestData.AlwaysRight(env), VineTestData.Identity(env), VineTestData.CriticFor(env));
        var q = new double[1];

        long steps = branches.Estimate([state], 1, [action], [1UL], Gamma, 30, bootstrap: true, q);

        int after = action == 1f ? start + 1 : Math.Max(0, start - 1);
        int n = 1 + (6 - after); // the branch's own step, then straight to the goal; terminal, so no bootstrap
        double expected = -(1 - Math.Pow(Gamma, n)) / (1 - Gamma);
        Assert.Equal(n, steps);
        Assert.Equal(expected, q[0], 12);
    }

    [Fact]
    public void A_branch_still_running_at_the_horizon_is_bootstrapped_with_the_discounted_critic_value()
    {
        var env = new ChainEnv { Length = 20, Start = 0 };
        env.Reset(1, new float[1]);
        EnvState state = env.SaveState();
        ValueFunction critic = VineTestData.CriticFor(env);
        ObservationNormalizer identity = VineTestData.Identity(env);
        var branches = new VineBranches(() => new ChainEnv { Length = 20 }, VineTestData.AlwaysRight(env), identity, critic);
        var q = new double[2];

        branches.Estimate([state], 2, [1f, 0f], [1UL], Gamma, 4, bootstrap: true, q);

        double fourSteps = -(1 + Gamma + Gamma * Gamma + Gamma * Gamma * Gamma);
        double g4 = Math.Pow(Gamma, 4);
        Assert.Equal(fourSteps + g4 * VineTestData.Value(critic, identity, 4f / 20), q[0], 6); // right ×4 → position 4
        Assert.Equal(fourSteps + g4 * VineTestData.Value(critic, identity, 3f / 20), q[1], 6); // wall, then right ×3 → 3

        branches.Estimate([state], 2, [1f, 0f], [1UL], Gamma, 4, bootstrap: false, q);
        Assert.Equal(fourSteps, q[0], 12);
        Assert.Equal(fourSteps, q[1], 12);
    }

    [Fact]
    public void A_branch_cut_by_the_restored_time_limit_bootstraps_from_its_final_observation()
    {
        // Captured after 2 of 5 allowed steps: every branch is truncated after 3 more, whatever the horizon.
        var env = new ChainEnv { Length = 20, MaxEpisodeSteps = 5 };
        var obs = new float[1];
        env.Reset(1, obs);
        env.Step([1f], obs);
        env.Step([1f], obs);
        EnvState state = env.SaveState();
        ValueFunction critic = VineTestData.CriticFor(env);
        ObservationNormalizer identity = VineTestData.Identity(env);
        var branches = new VineBranches(() => new ChainEnv { Length = 20, MaxEpisodeSteps = 5 }, VineTestData.AlwaysRight(env), identity, critic);
        var q = new double[2];

        long steps = branches.Estimate([state], 2, [1f, 0f], [1UL], Gamma, 50, bootstrap: true, q);

        Assert.Equal(6, steps);
        double threeSteps = -(1 + Gamma + Gamma * Gamma), g3 = Gamma * Gamma * Gamma;
        Assert.Equal(threeSteps + g3 * VineTestData.Value(critic, identity, 5f / 20), q[0], 6); // 2 → 3, 4, 5
        Assert.Equal(threeSteps + g3 * VineTestData.Value(critic, identity, 3f / 20), q[1], 6); // 2 → 1, 2, 3
    }

    [Fact]
    public void Mismatched_inputs_are_refused_with_the_expected_sizes()
    {
        var env = new ChainEnv();
        env.Reset(1, new float[1]);
        var branches = new VineBranches(() => new ChainEnv(), VineTestData.PolicyFor(env), VineTestData.Identity(env), null);
        var e = Assert.Throws<ArgumentException>(() => branches.Estimate([env.SaveState()], 2, [1f], [1UL], Gamma, 3, false, new double[2]));
        Assert.Contains("need 2 action floats", e.Message);
        Assert.Throws<InvalidOperationException>(() => branches.Estimate([env.SaveState()], 1, [1f], [1UL], Gamma, 3, true, new double[1]));
    }
}
