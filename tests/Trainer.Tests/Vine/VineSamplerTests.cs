using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Normalization;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Rollouts;
using TrpoEdge.Trainer.Sampling;

namespace TrpoEdge.Trainer.Tests.Vine;

public sealed class VineSamplerTests
{
    private static ChainEnv NoisyChain() => new() { Length = 40, Start = 5, PositionCost = 0.1, RewardNoise = 1.0 };

    [Fact]
    public void The_branch_that_repeats_the_trunks_own_action_reproduces_the_trunks_reward_from_the_captured_state()
    {
        // Horizon 1 without bootstrap: Q̂(s, a) is one reward, drawn from the environment's generator. The branch
        // whose action equals the trunk's must see the very reward the trunk saw, which holds only if the state
        // was captured just before that trunk step (not one step late or early) and restored with its generator.
        using var envs = new VectorEnv(_ => NoisyChain(), 4, threads: 1);
        MlpPolicy policy = VineTestData.PolicyFor(envs[0]);
        ObservationNormalizer normalizer = VineTestData.Identity(envs[0]);
        var buffer = new RolloutBuffer(4, 16, 1, 1);
        var collector = new RolloutCollector(envs, policy, normalizer, 11);
        var options = new VineOptions { States = 10, Horizon = 1, Bootstrap = false };
        var sampler = new VineSampler(options, envs, NoisyChain, policy, normalizer, VineTestData.CriticFor(envs[0]),
            new TrpoOptions { Gamma = 0.9, NormalizeAdvantage = false }, 5);

        collector.Collect(buffer); // a first batch, so states are mid-episode with advanced generators
        sampler.Plan(buffer);
        collector.Collect(buffer, sampler.Capture);
        long branchSteps = sampler.Sample(buffer);

        Assert.Equal(2, sampler.ActionsPerState); // Discrete(2): every action
        Assert.Equal(20, branchSteps);
        PolicyBatch batch = sampler.Batch;
        Assert.Equal(20, batch.Count);
        for (int n = 0; n < 10; n++)
        {
            int i = sampler.RolloutSet[n];
            int trunkAction = (int)buffer.Actions[i];
            Assert.Equal(buffer.Rewards[i], sampler.QValues[2 * n + trunkAction]);
            Assert.Equal(buffer.Observations[i], batch.Observations[2 * n]);
            Assert.Equal(buffer.Observations[i], batch.Observations[2 * n + 1]);
            Assert.Equal(0f, batch.Actions[2 * n]);
            Assert.Equal(1f, batch.Actions[2 * n + 1]);
            Assert.Equal(0.0, batch.BehaviourLogProb[2 * n]); // exact sum over actions: q ≡ 1
            Assert.Equal(0.0, batch.Advantages[2 * n] + batch.Advantages[2 * n + 1], 6); // per-state baseline
            Assert.Equal(sampler.QValues[2 * n] - sampler.QValues[2 * n + 1], batch.Advantages[2 * n] - batch.Advantages[2 * n + 1], 5);
        }
        Assert.Equal(10, sampler.RolloutSet.ToArray().Distinct().Count());
    }

    [Fact]
    public void Box_actions_are_sampled_from_the_old_policy_with_their_log_probabilities_and_centred_per_state()
    {
        using var envs = new VectorEnv(_ => EnvRegistry.Make("Pendulum-v1"), 2, threads: 1);
        MlpPolicy policy = VineTestData.PolicyFor(envs[0]);
        ObservationNormalizer normalizer = VineTestData.Identity(envs[0]);
        var buffer = new RolloutBuffer(2, 50, 3, 1);
        var collector = new RolloutCollector(envs, policy, normalizer, 3);
        var sampler = new VineSampler(new VineOptions { States = 6, Actions = 5, Horizon = 10 }, envs, () => EnvRegistry.Make("Pendulum-v1"),
            policy, normalizer, VineTestData.CriticFor(envs[0]), new TrpoOptions(), 9);

        sampler.Plan(buffer);
        collector.Collect(buffer, sampler.Capture);
        Assert.Equal(6 * 5 * 10, sampler.Sample(buffer)); // Pendulum never terminates, and no branch reaches its time limit here

        PolicyBatch batch = sampler.Batch;
        var outputs = new float[30];
        policy.Forward(batch.Observations, 30, outputs);
        var logProb = new double[30];
        policy.LogProb(outputs, batch.Actions, 30, logProb);
        for (int i = 0; i < 30; i++) Assert.Equal(logProb[i], batch.BehaviourLogProb[i], 9);
        for (int n = 0; n < 6; n++)
        {
            double sum = 0;
            for (int k = 0; k < 5; k++) sum += batch.Advantages[5 * n + k];
            Assert.Equal(0.0, sum, 4);
            Assert.NotEqual(batch.Actions[5 * n], batch.Actions[5 * n + 1]);
        }
    }

    [Fact]
    public void Sampling_before_capturing_a_trunk_says_what_to_do()
    {
        using var envs = new VectorEnv(_ => NoisyChain(), 2, threads: 1);
        MlpPolicy policy = VineTestData.PolicyFor(envs[0]);
        var buffer = new RolloutBuffer(2, 8, 1, 1);
        var sampler = new VineSampler(new VineOptions { States = 4 }, envs, NoisyChain, policy, VineTestData.Identity(envs[0]),
            VineTestData.CriticFor(envs[0]), new TrpoOptions(), 1);
        sampler.Plan(buffer);
        var e = Assert.Throws<InvalidOperationException>(() => sampler.Sample(buffer));
        Assert.Contains("Capture", e.Message);
    }
}
