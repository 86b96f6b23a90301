using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Policies;
using TrpoEdge.Trainer.Tests.Policies;

namespace TrpoEdge.Trainer.Tests.Penalty;

/// <summary>∇_θ mean KL(π_old ‖ π_θ) — what the penalty variant descends — against central differences of the
/// policy's own <see cref="MlpPolicy.MeanKl"/>, at a θ away from θ_old (where the gradient is zero).</summary>
public sealed class KlGradientTests
{
    public static TheoryData<string, Activation> Policies => new()
    {
        { "gaussian", Activation.Tanh }, { "gaussian", Activation.Relu }, { "categorical", Activation.Tanh }, { "categorical", Activation.Relu },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void Kl_gradient_matches_central_differences_along_random_directions(string kind, Activation activation)
    {
        MlpPolicy policy = kind == "gaussian" ? PolicyTestData.Gaussian(activation) : PolicyTestData.Categorical(activation);
        float[] obs = PolicyTestData.Observations(4);
        int n = policy.ParameterCount, b = PolicyTestData.Batch;
        var oldOutputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, oldOutputs);
        float[] oldHead = policy.Head.ToArray();

        // Move θ (the log σ head included) well away from θ_old so every term of the gradient is non-zero.
        var theta = new float[n];
        policy.GetParameters(theta);
        float[] shift = PolicyTestData.RandomDirection(n, 31);
        for (int i = 0; i < n; i++) theta[i] += 0.15f * shift[i];
        policy.SetParameters(theta);
        var outputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, outputs);
        var grad = new float[n];
        policy.KlGradient(oldOutputs, oldHead, outputs, b, grad);
        Assert.Contains(grad, g => Math.Abs(g) > 1e-3f);

        double Kl(float[] v, double eps)
        {
            var t = new float[n];
            for (int i = 0; i < n; i++) t[i] = (float)(theta[i] + eps * v[i]);
            policy.SetParameters(t);
            var o = new float[b * policy.OutputSize];
            policy.Forward(obs, b, o);
            return policy.MeanKl(oldOutputs, oldHead, o, b);
        }
        for (int trial = 0; trial < 3; trial++)
        {
            float[] v = PolicyTestData.RandomDirection(n, 200 + trial);
            const double eps = 1e-3;
            double numeric = (Kl(v, eps) - Kl(v, -eps)) / (2 * eps);
            double analytic = 0;
            for (int i = 0; i < n; i++) analytic += (double)grad[i] * v[i];
            Assert.True(Math.Abs(numeric - analytic) <= 2e-3 * (1 + Math.Abs(analytic)),
                $"{kind}/{activation}: directional derivative of the mean KL analytic {analytic}, finite difference {numeric}.");
        }
    }

    [Theory]
    [InlineData("gaussian")]
    [InlineData("categorical")]
    public void Kl_gradient_is_zero_at_the_old_policy(string kind)
    {
        MlpPolicy policy = kind == "gaussian" ? PolicyTestData.Gaussian() : PolicyTestData.Categorical();
        float[] obs = PolicyTestData.Observations(6);
        int b = PolicyTestData.Batch;
        var outputs = new float[b * policy.OutputSize];
        policy.Forward(obs, b, outputs);
        var grad = new float[policy.ParameterCount];
        policy.KlGradient(outputs, policy.Head.ToArray(), outputs, b, grad);
        Assert.All(grad, g => Assert.True(Math.Abs(g) < 1e-6f, $"gradient {g} at θ = θ_old"));
    }
}
