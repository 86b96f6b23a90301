using TrpoEdge.Core.Distributions;
using TrpoEdge.Sim.Random;

namespace TrpoEdge.Core.Tests.Distributions;

public sealed class CategoricalTests
{
    /// <summary>Softmax written the naive way; only safe for moderate logits, which is what the comparisons use.</summary>
    private static double[] NaiveProbs(float[] logits)
    {
        double[] e = logits.Select(z => Math.Exp(z)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    [Fact]
    public void Log_probs_match_the_naive_softmax_and_sum_to_one()
    {
        float[] logits = [0.5f, -1f, 2f, 0f];
        double[] p = NaiveProbs(logits);
        double total = 0;
        for (int a = 0; a < logits.Length; a++)
        {
            double lp = Categorical.LogProb(logits, a);
            Assert.Equal(Math.Log(p[a]), lp, 12);
            total += Math.Exp(lp);
        }
        Assert.Equal(1.0, total, 12);
    }

    [Fact]
    public void Huge_logits_do_not_overflow()
    {
        // exp(1000) overflows double; the shifted log-sum-exp must not. p(0) = 1/(1+e⁻¹), p(1) = e⁻¹/(1+e⁻¹).
        float[] logits = [1000f, 999f, -1000f];
        Assert.Equal(-Math.Log(1 + Math.Exp(-1)), Categorical.LogProb(logits, 0), 12);
        Assert.Equal(-1 - Math.Log(1 + Math.Exp(-1)), Categorical.LogProb(logits, 1), 12);
        Assert.Equal(-2000 - Math.Log(1 + Math.Exp(-1)), Categorical.LogProb(logits, 2), 9);
        double h = Categorical.Entropy(logits);
        double p0 = 1 / (1 + Math.Exp(-1)), p1 = 1 - p0;
        Assert.Equal(-(p0 * Math.Log(p0) + p1 * Math.Log(p1)), h, 10);
        Assert.True(double.IsFinite(Categorical.Kl(logits, [-1000f, 1000f, 0f])));
        Assert.Equal(1000 + Math.Log(1 + Math.Exp(-1)), Categorical.LogSumExp(logits), 10);
    }

    [Fact]
    public void Entropy_matches_minus_sum_p_log_p_and_is_log_n_when_uniform()
    {
        float[] logits = [0.3f, 1.1f, -0.7f];
        double[] p = NaiveProbs(logits);
        Assert.Equal(-p.Sum(v => v * Math.Log(v)), Categorical.Entropy(logits), 12);
        Assert.Equal(Math.Log(5), Categorical.Entropy([7f, 7f, 7f, 7f, 7f]), 12);
    }

    [Fact]
    public void Kl_matches_the_definition_is_zero_for_equal_inputs_and_ignores_a_common_shift()
    {
        float[] a = [0.2f, -0.4f, 1.3f], b = [1f, 0f, -0.5f];
        double[] p = NaiveProbs(a), q = NaiveProbs(b);
        double expected = 0;
        for (int i = 0; i < 3; i++) expected += p[i] * Math.Log(p[i] / q[i]);
        Assert.Equal(expected, Categorical.Kl(a, b), 12);
        Assert.Equal(0.0, Categorical.Kl(a, a));
        // Logits are defined up to a constant: shifting one side changes nothing.
        Assert.Equal(0.0, Categorical.Kl(a, a.Select(z => z + 50f).ToArray()), 5);
    }

    [Fact]
    public void Kl_is_nonnegative_on_random_logits()
    {
        var rng = new Pcg64(17);
        var a = new float[6]; var b = new float[6];
        for (int t = 0; t < 500; t++)
        {
            for (int i = 0; i < 6; i++) { a[i] = (float)(3 * rng.NextGaussian()); b[i] = (float)(3 * rng.NextGaussian()); }
            Assert.True(Categorical.Kl(a, b) >= 0);
        }
    }

    [Fact]
    public void A_masked_action_has_zero_probability_and_infinite_kl_when_the_other_side_allows_it()
    {
        float[] masked = [0f, float.NegativeInfinity, 0f];
        Assert.Equal(double.NegativeInfinity, Categorical.LogProb(masked, 1));
        Assert.Equal(Math.Log(2), Categorical.Entropy(masked), 12);
        Assert.Equal(Math.Log(1.5), Categorical.Kl(masked, [0f, 0f, 0f]), 12);
        Assert.Equal(double.PositiveInfinity, Categorical.Kl([0f, 0f, 0f], masked));
        var rng = new Pcg64(1);
        for (int i = 0; i < 1000; i++) Assert.NotEqual(1, Categorical.Sample(masked, rng.NextDouble()));
    }

    [Fact]
    public void Sampling_frequencies_match_the_probabilities()
    {
        float[] logits = [0f, 1f, -1f, 0.5f];
        double[] p = NaiveProbs(logits);
        var counts = new int[4];
        var rng = new Pcg64(123);
        const int n = 200_000;
        for (int i = 0; i < n; i++) counts[Categorical.Sample(logits, rng.NextDouble())]++;
        // Pearson chi-square with 3 degrees of freedom; P(χ² > 16.27) = 0.001.
        double chi2 = 0;
        for (int a = 0; a < 4; a++) chi2 += (counts[a] - n * p[a]) * (counts[a] - n * p[a]) / (n * p[a]);
        Assert.True(chi2 < 16.27, $"chi-square {chi2:F2} for counts [{string.Join(", ", counts)}]");
    }

    [Fact]
    public void ArgMax_returns_the_first_of_tied_maxima()
    {
        Assert.Equal(2, Categorical.ArgMax([0f, 1f, 3f, 3f, -2f]));
        Assert.Equal(0, Categorical.ArgMax([5f]));
    }

    [Fact]
    public void Invalid_logits_are_refused_with_the_index_and_value()
    {
        var nan = Assert.Throws<ArgumentException>(() => Categorical.Entropy([0f, float.NaN]));
        Assert.Contains("Logit 1", nan.Message);
        Assert.Throws<ArgumentException>(() => Categorical.LogProb([float.NegativeInfinity, float.NegativeInfinity], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Categorical.LogProb([0f, 0f], 2));
        Assert.Throws<ArgumentException>(() => Categorical.Sample([], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Categorical.Sample([0f, 1f], 1.0));
    }
}
