using TrpoEdge.Trainer.Normalization;

namespace TrpoEdge.Trainer.Tests.Training;

/// <summary>The reward scaler against a direct recomputation of VecNormalize's arithmetic: the variance over every
/// discounted return so far (plus the prior's weight 1e-4 at variance 1, mean 0), rewards divided by its square
/// root and clipped, returns restarted at episode ends.</summary>
public sealed class RewardScalerTests
{
    [Fact]
    public void Rewards_are_divided_by_the_std_of_all_discounted_returns_so_far()
    {
        const double gamma = 0.9, prior = 1e-4;
        var scaler = new RewardScaler(2, gamma, clip: 10);
        var rng = new System.Random(3);
        var returns = new double[2];
        var seen = new List<double>();
        for (int t = 0; t < 50; t++)
        {
            double[] r = [rng.NextDouble() * 20 - 10, rng.NextDouble() * 200 - 100];
            bool[] ended = [t % 7 == 6, t % 11 == 10];
            for (int k = 0; k < 2; k++) { returns[k] = returns[k] * gamma + r[k]; seen.Add(returns[k]); }
            // Mean and variance of the prior (weight 1e-4, mean 0, variance 1) pooled with every return so far.
            double n = seen.Count, mean = seen.Sum() / (n + prior);
            double m2 = prior * (1 + mean * mean) + seen.Sum(x => (x - mean) * (x - mean));
            double variance = m2 / (n + prior);
            double[] expected = r.Select(x => Math.Clamp(x / Math.Sqrt(variance + 1e-8), -10, 10)).ToArray();
            scaler.Scale(r, ended);
            Assert.Equal(variance, scaler.Variance, 9);
            Assert.Equal(expected[0], r[0], 9);
            Assert.Equal(expected[1], r[1], 9);
            for (int k = 0; k < 2; k++) if (ended[k]) returns[k] = 0;
        }
    }

    [Fact]
    public void A_reward_far_beyond_the_running_scale_is_clipped()
    {
        var scaler = new RewardScaler(1, 0.99, clip: 5);
        for (int t = 0; t < 200; t++)
        {
            double[] r = [t % 2 == 0 ? 1.0 : -1.0];
            scaler.Scale(r, [t % 10 == 9]);
            Assert.InRange(r[0], -5, 5);
        }
        double[] spike = [1e4];
        scaler.Scale(spike, [false]);
        Assert.Equal(5, spike[0]);
    }
}
