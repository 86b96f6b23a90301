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
    public void A_frozen_head_keeps_log_std_bit_for_bit_while_the_mean_moves_within_delta()
    {
        float[] Step(int frozen, out float[] networkBefore, out float[] networkAfter, out float[] headBefore, out PolicyStepReport report)
        {
            MlpPolicy policy = PolicyTestData.Gaussian();
            float[] obs = PolicyTestData.Observations(8);
            float[] actions = PolicyTestData.SampleActions(policy, obs, out double[] behaviour);
            var rng = new Random(4);
            float[] advantages = Enumerable.Range(0, PolicyTestData.Batch).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            headBefore = policy.Head.ToArray();
            networkBefore = policy.Network.Parameters.ToArray();
            var options = new TrpoOptions { TargetKl = 0.01, CgIterations = 10, CgDamping = 0.1 };
            report = new TrpoPolicyStep(policy, options) { FrozenTail = frozen }.Update(new PolicyBatch(obs, actions, behaviour, advantages, PolicyTestData.Batch));
            networkAfter = policy.Network.Parameters.ToArray();
            return policy.Head.ToArray();
        }

        float[] frozenHead = Step(PolicyTestData.Gaussian().HeadSize, out float[] netBefore, out float[] netAfter, out float[] head, out PolicyStepReport frozen);
        Assert.True(frozen.LineSearchSuccess);
        Assert.True(frozen.Kl > 0 && frozen.Kl <= 0.01, $"KL {frozen.Kl}");
        Assert.Equal(head, frozenHead); // bit for bit
        Assert.NotEqual(netBefore, netAfter);

        // The same step with nothing frozen moves log σ: the freeze is what kept it.
        float[] freeHead = Step(0, out _, out _, out head, out PolicyStepReport free);
        Assert.True(free.LineSearchSuccess);
        Assert.NotEqual(head, freeHead);
    }

    [Fact]
    public void A_frozen_tail_longer_than_the_parameters_is_refused()
    {
        MlpPolicy policy = PolicyTestData.Gaussian();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TrpoPolicyStep(policy, new TrpoOptions()) { FrozenTail = policy.ParameterCount + 1 });
        Assert.Contains($"{policy.ParameterCount} parameters", e.Message);
    }

    [Fact]
    public void When_every_trial_of_the_line_search_is_refused_the_old_parameters_are_restored()
    {
        MlpPolicy policy = PolicyTestData.Gaussian();
        float[] obs = PolicyTestData.Observations(9);
        float[] actions = PolicyTestData.SampleActions(policy, obs, out double[] behaviour);
        var rng = new Random(4);
        float[] advantages = Enumerable.Range(0, PolicyTestData.Batch).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        int b = PolicyTestData.Batch;
        var before = new float[policy.ParameterCount];
        policy.GetParameters(before);
        var oldOutputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, oldOutputs);

        // The trials really move the policy (each one is seen with other outputs than θ_old's), and all are refused.
        var trialDistances = new List<double>();
        var outputs = new float[b * policy.OutputSize];
        TrialCheck refuseAll = () =>
        {
            policy.Forward(obs, b, outputs); // the trial θ is in the host policy during the call
            double d = 0;
            for (int i = 0; i < oldOutputs.Length; i++) d = Math.Max(d, Math.Abs(outputs[i] - oldOutputs[i]));
            trialDistances.Add(d);
            return false;
        };
        var options = new TrpoOptions { LineSearchSteps = 6 };
        PolicyStepReport report = new TrpoPolicyStep(policy, options).Update(new PolicyBatch(obs, actions, behaviour, advantages, b), refuseAll);

        Assert.False(report.LineSearchSuccess);
        Assert.Equal(options.LineSearchSteps, trialDistances.Count);
        Assert.All(trialDistances, d => Assert.True(d > 1e-4, $"a trial left the outputs within {d} of θ_old's"));
        Assert.Equal(0, report.StepLength);
        var after = new float[policy.ParameterCount];
        policy.GetParameters(after);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Fisher_subsampling_solves_with_the_subsampled_fisher_and_takes_the_step_it_implies()
    {
        // The step is recomputed independently: g on the full batch, s = CG((F_sub + cI), g) with F_sub averaged over
        // every second row, β = √(2δ / sᵀ(F_sub + cI)s), θ_new = θ_old + shrinkᵏ⁻¹ β s. The same recomputation with
        // the full batch's Fisher predicts a measurably different step, so the test tells the two apart.
        int b = PolicyTestData.Batch;
        float[] obs = PolicyTestData.Observations(10);
        MlpPolicy reference = PolicyTestData.Gaussian();
        float[] actions = PolicyTestData.SampleActions(reference, obs, out double[] behaviour);
        var rng = new Random(2);
        float[] advantages = Enumerable.Range(0, b).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var options = new TrpoOptions { FvpSubsample = 0.5 };
        float[] expectedSub = PredictedStep(reference, obs, actions, behaviour, advantages, options, subsampleStride: 2, out double betaSub);
        float[] expectedFull = PredictedStep(PolicyTestData.Gaussian(), obs, actions, behaviour, advantages, options, subsampleStride: 1, out _);

        MlpPolicy policy = PolicyTestData.Gaussian();
        var old = new float[policy.ParameterCount];
        policy.GetParameters(old);
        PolicyStepReport report = new TrpoPolicyStep(policy, options).Update(new PolicyBatch(obs, actions, behaviour, advantages, b));
        Assert.True(report.LineSearchSuccess);
        Assert.Equal(betaSub, report.MaxStep, 6);
        var theta = new float[policy.ParameterCount];
        policy.GetParameters(theta);
        double fraction = Math.Pow(options.LineSearchShrink, report.LineSearchSteps - 1);
        double worstSub = 0, worstFull = 0, norm = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            double step = theta[i] - old[i];
            worstSub = Math.Max(worstSub, Math.Abs(step - fraction * betaSub * expectedSub[i]));
            worstFull = Math.Max(worstFull, Math.Abs(step - fraction * betaSub * expectedFull[i]));
            norm = Math.Max(norm, Math.Abs(step));
        }
        Assert.True(worstSub <= 1e-5 * Math.Max(1, norm), $"step differs from the subsampled-Fisher prediction by {worstSub}");
        Assert.True(worstFull > 100 * Math.Max(worstSub, 1e-7), $"the full-Fisher prediction is as close ({worstFull} vs {worstSub}): the test cannot tell them apart");
        Assert.Equal(fraction * betaSub * Math.Sqrt(expectedSub.Sum(x => (double)x * x)), report.StepLength, 6);
    }

    private static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    /// <summary>s (the CG direction) for a Fisher over every <paramref name="subsampleStride"/>-th row; β out.</summary>
    private static float[] PredictedStep(MlpPolicy policy, float[] obs, float[] actions, double[] behaviour, float[] advantages, TrpoOptions o, int subsampleStride, out double beta)
    {
        int b = PolicyTestData.Batch, d = policy.ObservationSize, n = policy.ParameterCount;
        var outputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, outputs);
        var logProb = new double[b];
        policy.LogProb(outputs, actions, b, logProb);
        var coefficients = new float[b];
        for (int i = 0; i < b; i++) coefficients[i] = (float)(Math.Exp(logProb[i] - behaviour[i]) * advantages[i] / b);
        var g = new float[n];
        policy.SurrogateGradient(outputs, actions, coefficients, b, g);
        int rows = (b + subsampleStride - 1) / subsampleStride;
        var sub = new float[rows * d];
        for (int r = 0; r < rows; r++) obs.AsSpan(r * subsampleStride * d, d).CopyTo(sub.AsSpan(r * d, d));
        var subOutputs = new float[rows * policy.OutputSize];
        policy.Forward(sub, rows, subOutputs);
        void Damped(float[] v, float[] result)
        {
            policy.FisherVectorProduct(subOutputs, rows, v, result);
            for (int i = 0; i < result.Length; i++) result[i] += (float)o.CgDamping * v[i];
        }
        // Plain conjugate gradient from x = 0 (appendix C), written out here rather than taken from the trainer.
        var x = new float[n];
        float[] res = (float[])g.Clone(), p = (float[])g.Clone(), ap = new float[n];
        double rr = Dot(res, res);
        for (int k = 0; k < o.CgIterations && rr > o.CgResidualTolerance; k++)
        {
            Damped(p, ap);
            double alpha = rr / Dot(p, ap);
            for (int i = 0; i < n; i++) { x[i] += (float)(alpha * p[i]); res[i] -= (float)(alpha * ap[i]); }
            double rrNew = Dot(res, res);
            for (int i = 0; i < n; i++) p[i] = (float)(res[i] + rrNew / rr * p[i]);
            rr = rrNew;
        }
        var fs = new float[n];
        Damped(x, fs);
        beta = Math.Sqrt(2 * o.TargetKl / Dot(x, fs));
        return x;
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
