using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Constraints;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Tests.Policies;

namespace TrpoEdge.Trainer.Tests.Penalty;

public sealed class KlPenaltyStepTests
{
    private const double Target = 0.01;

    private static (MlpPolicy Policy, float[] Obs, float[] Actions, double[] Behaviour, float[] Advantages) Batch(string kind, int seed)
    {
        MlpPolicy policy = kind == "gaussian" ? PolicyTestData.Gaussian() : PolicyTestData.Categorical();
        float[] obs = PolicyTestData.Observations(seed);
        float[] actions = PolicyTestData.SampleActions(policy, obs, out double[] behaviour);
        var rng = new Random(seed);
        float[] advantages = Enumerable.Range(0, PolicyTestData.Batch).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        return (policy, obs, actions, behaviour, advantages);
    }

    [Theory]
    [InlineData(0.05, 0.02)]   // above 1.5δ: double
    [InlineData(0.016, 0.02)]  // just above 1.5δ
    [InlineData(0.015, 0.01)]  // exactly 1.5δ: inside the band, unchanged
    [InlineData(0.01, 0.01)]
    [InlineData(0.0067, 0.01)] // just above δ/1.5 = 0.00667: unchanged
    [InlineData(0.0066, 0.005)] // below δ/1.5: halve
    [InlineData(0.0, 0.005)]
    public void Beta_doubles_above_one_and_a_half_targets_and_halves_below_target_over_one_and_a_half(double kl, double expected)
    {
        Assert.Equal(expected, KlPenaltyStep.Adapt(0.01, kl, Target), 15);
    }

    [Theory]
    [InlineData("gaussian")]
    [InlineData("categorical")]
    public void An_aggressive_update_overshoots_the_target_kl_and_beta_doubles(string kind)
    {
        var (policy, obs, actions, behaviour, advantages) = Batch(kind, 3);
        var step = new KlPenaltyStep(policy, new KlPenaltyOptions { Epochs = 20, LearningRate = 0.05, BetaInit = 1e-3, MinibatchSize = 8 }, Target, 1);
        PolicyStepReport report = step.Update(new PolicyBatch(obs, actions, behaviour, advantages, PolicyTestData.Batch));
        Assert.True(report.Kl > 1.5 * Target, $"KL {report.Kl}");
        Assert.Equal(1e-3, report.Beta);
        Assert.Equal(2e-3, step.Beta, 15);
        Assert.True(report.SurrogateAfter > report.SurrogateBefore);
    }

    [Theory]
    [InlineData("gaussian")]
    [InlineData("categorical")]
    public void A_timid_update_stays_below_the_target_kl_and_beta_halves(string kind)
    {
        var (policy, obs, actions, behaviour, advantages) = Batch(kind, 4);
        var step = new KlPenaltyStep(policy, new KlPenaltyOptions { Epochs = 1, LearningRate = 1e-5, BetaInit = 4 }, Target, 1);
        PolicyStepReport report = step.Update(new PolicyBatch(obs, actions, behaviour, advantages, PolicyTestData.Batch));
        Assert.True(report.Kl < Target / 1.5, $"KL {report.Kl}");
        Assert.Equal(4, report.Beta);
        Assert.Equal(2, step.Beta, 15);
        Assert.True(report.SurrogateAfter > report.SurrogateBefore, "even a small Adam step ascends the surrogate");
        Assert.True(report.ImprovementExpected > 0);
    }

    [Fact]
    public void A_large_beta_holds_the_policy_closer_to_the_old_one_than_a_small_beta()
    {
        double KlWith(double beta)
        {
            var (policy, obs, actions, behaviour, advantages) = Batch("gaussian", 5);
            var step = new KlPenaltyStep(policy, new KlPenaltyOptions { Epochs = 30, LearningRate = 0.01, BetaInit = beta, MinibatchSize = 24 }, Target, 1);
            return step.Update(new PolicyBatch(obs, actions, behaviour, advantages, PolicyTestData.Batch)).Kl;
        }
        double loose = KlWith(1e-3), tight = KlWith(100);
        Assert.True(tight < 0.5 * loose, $"KL with β = 100: {tight}; with β = 0.001: {loose}");
    }

    [Fact]
    public void Repeated_overshoots_keep_doubling_beta_update_after_update()
    {
        var (policy, obs, actions, behaviour, advantages) = Batch("categorical", 6);
        var step = new KlPenaltyStep(policy, new KlPenaltyOptions { Epochs = 10, LearningRate = 0.05, BetaInit = 1e-4, MinibatchSize = 8 }, Target, 2);
        var betas = new List<double> { step.Beta };
        for (int i = 0; i < 3; i++)
        {
            // A fresh behaviour batch at the current policy each time, as training would collect.
            float[] a = PolicyTestData.SampleActions(policy, obs, out double[] b, (ulong)(10 + i));
            step.Update(new PolicyBatch(obs, a, b, advantages, PolicyTestData.Batch));
            betas.Add(step.Beta);
        }
        Assert.Equal([1e-4, 2e-4, 4e-4, 8e-4], betas.Select(x => Math.Round(x, 12)));
    }

    [Fact]
    public void An_exported_state_restored_into_a_fresh_step_continues_as_the_original_would()
    {
        // One minibatch per epoch, so the shuffle (not saved: a resumed run reseeds it) only permutes one sum.
        var options = new KlPenaltyOptions { Epochs = 3, LearningRate = 0.02, BetaInit = 1e-3, MinibatchSize = PolicyTestData.Batch };
        var (policy, obs, actions, behaviour, advantages) = Batch("gaussian", 7);
        var batch = new PolicyBatch(obs, actions, behaviour, advantages, PolicyTestData.Batch);
        var original = new KlPenaltyStep(policy, options, Target, 1);
        original.Update(batch);
        KlPenaltyState saved = original.Export();
        Assert.NotEqual(options.BetaInit, saved.Beta); // the first update adapted β: there is something to carry
        Assert.Equal(options.Epochs, saved.Optimizer.Step);

        var copy = PolicyTestData.Gaussian();
        float[] theta = new float[policy.ParameterCount];
        policy.GetParameters(theta);
        copy.SetParameters(theta);
        var resumed = new KlPenaltyStep(copy, options, Target, 99);
        resumed.Restore(saved);
        Assert.Equal(saved.Beta, resumed.Beta);

        var cold = PolicyTestData.Gaussian();
        cold.SetParameters(theta);
        var restarted = new KlPenaltyStep(cold, options, Target, 99); // what a resume did before: β₀ and zero moments

        PolicyStepReport a = original.Update(batch), b = resumed.Update(batch), c = restarted.Update(batch);
        Assert.Equal(a.Beta, b.Beta);
        Assert.Equal(original.Beta, resumed.Beta);
        Assert.Equal(a.Kl, b.Kl, 6);
        Assert.Equal(a.SurrogateAfter, b.SurrogateAfter, 6);
        Assert.NotEqual(a.Beta, c.Beta);
        Assert.True(Math.Abs(a.Kl - c.Kl) > 1e-4 * a.Kl, $"a cold restart should step differently: KL {a.Kl} vs {c.Kl}");
    }

    [Fact]
    public void Restoring_a_state_for_another_policy_shape_or_an_out_of_range_beta_is_refused()
    {
        var (policy, _, _, _, _) = Batch("gaussian", 8);
        var step = new KlPenaltyStep(policy, new KlPenaltyOptions(), Target, 1);
        var wrong = new Core.Checkpoints.AdamState(3, new float[5], new float[5]);
        Assert.Throws<ArgumentException>(() => step.Restore(new KlPenaltyState(1, wrong)));
        KlPenaltyState good = step.Export();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => step.Restore(good with { Beta = 0 }));
        Assert.Contains("penalty_beta", e.Message);
    }

    [Fact]
    public void An_update_that_lowers_the_surrogate_is_not_accepted_and_leaves_the_policy_as_it_was()
    {
        const string kind = "gaussian";
        // Adam with a learning rate far too large overshoots: the surrogate ends below where it started.
        int lowered = 0;
        foreach (int seed in new[] { 3, 4, 5, 6, 7, 8 })
        {
            var (policy, obs, actions, behaviour, advantages) = Batch(kind, seed);
            var before = new float[policy.ParameterCount];
            policy.GetParameters(before);
            var step = new KlPenaltyStep(policy, new KlPenaltyOptions { Epochs = 30, LearningRate = 0.9, BetaInit = 1e-3, MinibatchSize = 4 }, Target, (ulong)seed);
            PolicyStepReport report = step.Update(new PolicyBatch(obs, actions, behaviour, advantages, PolicyTestData.Batch));
            var after = new float[policy.ParameterCount];
            policy.GetParameters(after);
            if (report.LineSearchSuccess)
            {
                Assert.True(report.SurrogateAfter > report.SurrogateBefore, $"accepted although the surrogate went {report.SurrogateBefore} → {report.SurrogateAfter}");
                continue;
            }
            lowered++;
            Assert.Equal(report.SurrogateBefore, report.SurrogateAfter);
            Assert.Equal(before, after);
        }
        Assert.True(lowered > 0, "no update lowered the surrogate: the test exercised nothing");
    }
}
