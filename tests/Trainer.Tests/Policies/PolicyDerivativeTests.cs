using TrpoEdge.Core.Distributions;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Tests.Policies;

/// <summary>The policy's analytic derivatives against finite differences of its own log-prob and KL.</summary>
public sealed class PolicyDerivativeTests
{
    public static TheoryData<string, Activation> Policies => new()
    {
        { "gaussian", Activation.Tanh }, { "gaussian", Activation.Relu }, { "categorical", Activation.Tanh }, { "categorical", Activation.Relu },
    };

    private static MlpPolicy Make(string kind, Activation activation) =>
        kind == "gaussian" ? PolicyTestData.Gaussian(activation) : PolicyTestData.Categorical(activation);

    [Theory]
    [MemberData(nameof(Policies))]
    public void Surrogate_gradient_matches_central_differences_along_random_directions(string kind, Activation activation)
    {
        MlpPolicy policy = Make(kind, activation);
        float[] obs = PolicyTestData.Observations();
        float[] actions = PolicyTestData.SampleActions(policy, obs, out _);
        var rng = new Random(9);
        float[] coef = Enumerable.Range(0, PolicyTestData.Batch).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        int n = policy.ParameterCount, b = PolicyTestData.Batch;
        var theta = new float[n];
        policy.GetParameters(theta);
        var outputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, outputs);
        var grad = new float[n];
        policy.SurrogateGradient(outputs, actions, coef, b, grad);

        for (int trial = 0; trial < 3; trial++)
        {
            float[] v = PolicyTestData.RandomDirection(n, 100 + trial);
            const double eps = 1e-3;
            double plus = Objective(policy, theta, v, eps, obs, actions, coef);
            double minus = Objective(policy, theta, v, -eps, obs, actions, coef);
            double numeric = (plus - minus) / (2 * eps);
            double analytic = 0;
            for (int i = 0; i < n; i++) analytic += (double)grad[i] * v[i];
            Assert.True(Math.Abs(numeric - analytic) <= 2e-3 * (1 + Math.Abs(analytic)),
                $"{kind}/{activation}: directional derivative analytic {analytic}, finite difference {numeric}.");
        }
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Fisher_vector_product_equals_the_finite_difference_hessian_of_the_mean_kl(string kind, Activation activation)
    {
        MlpPolicy policy = Make(kind, activation);
        float[] obs = PolicyTestData.Observations(2);
        int n = policy.ParameterCount, b = PolicyTestData.Batch;
        var theta = new float[n];
        policy.GetParameters(theta);
        var oldOutputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, oldOutputs);
        float[] oldHead = policy.Head.ToArray();
        float[] v = PolicyTestData.RandomDirection(n, 21);
        float[] u = PolicyTestData.RandomDirection(n, 22);
        var fv = new float[n];
        policy.FisherVectorProduct(oldOutputs, b, v, fv);
        double analytic = 0;
        for (int i = 0; i < n; i++) analytic += (double)u[i] * fv[i];

        // uᵀ H v of KL(θ_old ‖ θ) at θ_old by the four-point mixed central difference.
        const double e = 2e-3;
        double Kl(double a, double c)
        {
            var t = new float[n];
            for (int i = 0; i < n; i++) t[i] = (float)(theta[i] + a * u[i] + c * v[i]);
            policy.SetParameters(t);
            var outputs = new float[b * policy.OutputSize];
            policy.Forward(obs, b, outputs);
            return policy.MeanKl(oldOutputs, oldHead, outputs, b);
        }
        double numeric = (Kl(e, e) - Kl(e, -e) - Kl(-e, e) + Kl(-e, -e)) / (4 * e * e);
        policy.SetParameters(theta);
        Assert.True(Math.Abs(numeric - analytic) <= 2e-2 * (1 + Math.Abs(analytic)),
            $"{kind}/{activation}: uᵀFv analytic {analytic}, finite-difference Hessian {numeric}.");
    }

    [Fact]
    public void Fisher_vector_product_is_symmetric_and_positive()
    {
        MlpPolicy policy = PolicyTestData.Gaussian();
        float[] obs = PolicyTestData.Observations(4);
        int n = policy.ParameterCount, b = PolicyTestData.Batch;
        var outputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, outputs);
        float[] u = PolicyTestData.RandomDirection(n, 1), v = PolicyTestData.RandomDirection(n, 2);
        var fu = new float[n];
        var fv = new float[n];
        policy.FisherVectorProduct(outputs, b, u, fu);
        policy.FisherVectorProduct(outputs, b, v, fv);
        double uFv = 0, vFu = 0, vFv = 0;
        for (int i = 0; i < n; i++) { uFv += (double)u[i] * fv[i]; vFu += (double)v[i] * fu[i]; vFv += (double)v[i] * fv[i]; }
        Assert.Equal(uFv, vFu, 3);
        Assert.True(vFv > 0);
    }

    [Fact]
    public void Log_probabilities_and_kl_agree_with_the_core_distribution_math()
    {
        MlpPolicy gaussian = PolicyTestData.Gaussian();
        float[] obs = PolicyTestData.Observations(6);
        float[] actions = PolicyTestData.SampleActions(gaussian, obs, out double[] sampledLogProb);
        int b = PolicyTestData.Batch, d = gaussian.OutputSize;
        var outputs = new float[b * d];
        gaussian.Forward(obs, b, outputs);
        var logProb = new double[b];
        gaussian.LogProb(outputs, actions, b, logProb);
        for (int i = 0; i < b; i++)
        {
            double expected = DiagGaussian.LogProb(outputs.AsSpan(i * d, d), gaussian.Head, actions.AsSpan(i * d, d));
            Assert.Equal(expected, logProb[i], 9);
            Assert.Equal(expected, sampledLogProb[i], 9);
        }
        var shifted = outputs.Select(x => x + 0.1f).ToArray();
        double kl = gaussian.MeanKl(outputs, gaussian.Head.ToArray(), shifted, b);
        double expectedKl = 0;
        for (int i = 0; i < b; i++) expectedKl += DiagGaussian.Kl(outputs.AsSpan(i * d, d), gaussian.Head, shifted.AsSpan(i * d, d), gaussian.Head);
        Assert.Equal(expectedKl / b, kl, 9);

        MlpPolicy categorical = PolicyTestData.Categorical();
        float[] discrete = PolicyTestData.SampleActions(categorical, obs, out double[] discreteLogProb);
        var logits = new float[b * 3];
        categorical.Forward(obs, b, logits);
        for (int i = 0; i < b; i++)
            Assert.Equal(Categorical.LogProb(logits.AsSpan(i * 3, 3), (int)discrete[i]), discreteLogProb[i], 9);
    }

    private static double Objective(MlpPolicy policy, float[] theta, float[] v, double eps, float[] obs, float[] actions, float[] coef)
    {
        int n = theta.Length, b = PolicyTestData.Batch;
        var t = new float[n];
        for (int i = 0; i < n; i++) t[i] = (float)(theta[i] + eps * v[i]);
        policy.SetParameters(t);
        var outputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, outputs);
        var logProb = new double[b];
        policy.LogProb(outputs, actions, b, logProb);
        policy.SetParameters(theta);
        double s = 0;
        for (int i = 0; i < b; i++) s += coef[i] * logProb[i];
        return s;
    }
}
