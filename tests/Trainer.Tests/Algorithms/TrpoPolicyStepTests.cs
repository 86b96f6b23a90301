using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Tests.Policies;

namespace TrpoEdge.Trainer.Tests.Algorithms;

public sealed class TrpoPolicyStepTests
{
    [Theory]
    [InlineData("gaussian")]
    [InlineData("categorical")]
    public void An_accepted_step_keeps_the_mean_kl_within_delta_and_improves_the_surrogate(string kind)
    {
        MlpPolicy policy = kind == "gaussian" ? PolicyTestData.Gaussian() : PolicyTestData.Categorical();
        float[] obs = PolicyTestData.Observations(8);
        float[] actions = PolicyTestData.SampleActions(policy, obs, out double[] behaviour);
        var rng = new Random(4);
        float[] advantages = Enumerable.Range(0, PolicyTestData.Batch).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        int b = PolicyTestData.Batch;
        var oldOutputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, oldOutputs);
        float[] oldHead = policy.Head.ToArray();

        var options = new TrpoOptions { TargetKl = 0.01, CgIterations = 10, CgDamping = 0.1 };
        PolicyStepReport report = new TrpoPolicyStep(policy, options).Update(new PolicyBatch(obs, actions, behaviour, advantages, b));

        Assert.True(report.LineSearchSuccess, "a random-advantage batch on a fresh policy should allow an improving step");
        var newOutputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, newOutputs);
        double kl = policy.MeanKl(oldOutputs, oldHead, newOutputs, b);
        Assert.True(kl <= options.TargetKl, $"KL after the accepted step is {kl}, above δ = {options.TargetKl}.");
        Assert.True(kl > 0);
        Assert.Equal(report.Kl, kl, 6);
        Assert.True(report.SurrogateAfter > report.SurrogateBefore);
        // The quadratic model predicts the improvement to first order: same sign, same order of magnitude.
        Assert.True(report.ImprovementExpected > 0 && report.ImprovementActual > 0.2 * report.ImprovementExpected);
    }

    [Fact]
    public void A_batch_that_cannot_improve_the_surrogate_restores_the_parameters()
    {
        MlpPolicy policy = PolicyTestData.Gaussian();
        float[] obs = PolicyTestData.Observations(9);
        float[] actions = PolicyTestData.SampleActions(policy, obs, out double[] behaviour);
        var before = new float[policy.ParameterCount];
        policy.GetParameters(before);
        // Zero advantages: the surrogate is 0 for every θ, so no trial can be an improvement.
        PolicyStepReport report = new TrpoPolicyStep(policy, new TrpoOptions()).Update(
            new PolicyBatch(obs, actions, behaviour, new float[PolicyTestData.Batch], PolicyTestData.Batch));
        var after = new float[policy.ParameterCount];
        policy.GetParameters(after);
        Assert.False(report.LineSearchSuccess);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Fisher_subsampling_still_takes_a_step_within_the_trust_region()
    {
        MlpPolicy policy = PolicyTestData.Gaussian();
        float[] obs = PolicyTestData.Observations(10);
        float[] actions = PolicyTestData.SampleActions(policy, obs, out double[] behaviour);
        var rng = new Random(2);
        float[] advantages = Enumerable.Range(0, PolicyTestData.Batch).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        PolicyStepReport report = new TrpoPolicyStep(policy, new TrpoOptions { FvpSubsample = 0.5 }).Update(
            new PolicyBatch(obs, actions, behaviour, advantages, PolicyTestData.Batch));
        Assert.True(report.LineSearchSuccess);
        Assert.True(report.Kl <= 0.01);
    }

    [Fact]
    public void Invalid_options_name_the_setting_and_the_value()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TrpoOptions { TargetKl = -1 }.Validate());
        Assert.Contains("TargetKl = -1", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new TrpoOptions { LineSearchShrink = 1.5 }.Validate());
        Assert.Contains("LineSearchShrink", e.Message);
    }
}
