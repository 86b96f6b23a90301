using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Tests.Algorithms;

public sealed class AdamTests
{
    [Fact]
    public void The_first_step_moves_each_parameter_by_the_learning_rate_against_the_gradient_sign()
    {
        // With bias correction, m̂ = g and v̂ = g² after one step, so Δθ = −lr·g/(|g| + ε) ≈ −lr·sign(g).
        var adam = new Adam(3, new AdamOptions(LearningRate: 0.1, Epsilon: 1e-8));
        float[] theta = [1, 1, 1];
        adam.Update(theta, [2f, -0.5f, 1e-3f]);
        Assert.Equal(0.9f, theta[0], 5);
        Assert.Equal(1.1f, theta[1], 5);
        Assert.Equal(0.9f, theta[2], 3);
    }

    [Fact]
    public void Matches_a_direct_transcription_of_the_paper_over_several_steps()
    {
        var adam = new Adam(1, new AdamOptions(LearningRate: 0.01, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-5));
        float[] theta = [0.5f];
        double t = 0.5, m = 0, v = 0;
        double[] grads = [0.3, -0.1, 0.7, 0.2, -0.4];
        for (int k = 1; k <= grads.Length; k++)
        {
            adam.Update(theta, [(float)grads[k - 1]]);
            m = 0.9 * m + 0.1 * grads[k - 1];
            v = 0.999 * v + 0.001 * grads[k - 1] * grads[k - 1];
            t -= 0.01 * (m / (1 - Math.Pow(0.9, k))) / (Math.Sqrt(v / (1 - Math.Pow(0.999, k))) + 1e-5);
        }
        Assert.Equal(t, theta[0], 5);
        Assert.Equal(5, adam.Step);
    }

    [Fact]
    public void Invalid_options_are_refused_with_the_value()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(1, new AdamOptions(LearningRate: -1)));
        Assert.Contains("learning rate", e.Message);
    }
}
