using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Tests.Algorithms;

public sealed class TruncatedTracesTests
{
    private static readonly double[] Rewards = [1, 2, 3];
    private static readonly float[] Values = [0.5f, 1f, 1.5f];
    private static readonly float[] NextValues = [1f, 1.5f, 2f];

    [Fact]
    public void Known_answer_with_truncation_at_one()
    {
        // γ = 0.5, λ = 0.8 (γλ = 0.4), ρ = [2, 0.5, 3]; δ = [1, 1.75, 2.5] (worked by hand).
        // Â2 = 2.5; Â1 = 1.75 + 0.4·min(1, 3)·2.5 = 2.75; Â0 = 1 + 0.4·min(1, 0.5)·2.75 = 1.55.
        // D2 = min(1, 3)·2.5 = 2.5; D1 = 0.5·1.75 + 0.4·0.5·2.5 = 1.375; D0 = 1·1 + 0.4·1·1.375 = 1.55; v = V + D.
        var (adv, targets) = Run([2, 0.5, 3], 1, 1);
        Assert.Equal([1.55f, 2.75f, 2.5f], adv.Select(a => MathF.Round(a, 5)));
        Assert.Equal([2.05f, 2.375f, 4f], targets.Select(a => MathF.Round(a, 5)));
    }

    [Fact]
    public void The_truncation_levels_are_the_ones_given()
    {
        // c̄ = ρ̄ = 2: Â1 = 1.75 + 0.4·2·2.5 = 3.75, Â0 = 1 + 0.4·0.5·3.75 = 1.75;
        // D2 = 2·2.5 = 5, D1 = 0.5·1.75 + 0.4·0.5·5 = 1.875, D0 = 2·1 + 0.4·2·1.875 = 3.5.
        var (adv, targets) = Run([2, 0.5, 3], 2, 2);
        Assert.Equal([1.75f, 3.75f, 2.5f], adv.Select(a => MathF.Round(a, 5)));
        Assert.Equal([4f, 2.875f, 6.5f], targets.Select(a => MathF.Round(a, 5)));
    }

    [Fact]
    public void On_policy_ratios_reproduce_gae_and_its_returns_bit_for_bit()
    {
        var rng = new Random(3);
        int n = 300;
        double[] r = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        float[] v = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] next = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
        bool[] term = Enumerable.Range(0, n).Select(i => i % 97 == 96).ToArray();
        bool[] ended = Enumerable.Range(0, n).Select(i => term[i] || i % 50 == 49).ToArray();
        var gae = new float[n];
        Gae.Compute(r, v, next, term, ended, 0.95, 0.9, gae);
        var adv = new float[n];
        var targets = new float[n];
        TruncatedTraces.Compute(r, v, next, term, ended, Enumerable.Repeat(1.0, n).ToArray(), 0.95, 0.9, 1, 1, adv, targets);
        Assert.Equal(gae, adv);
        Assert.Equal(gae.Select((a, i) => a + v[i]).ToArray(), targets);
    }

    private static (float[] Advantages, float[] Targets) Run(double[] ratios, double traceClip, double valueClip)
    {
        var adv = new float[3];
        var targets = new float[3];
        TruncatedTraces.Compute(Rewards, Values, NextValues, new bool[3], new bool[3], ratios, 0.5, 0.8, traceClip, valueClip, adv, targets);
        return (adv, targets);
    }
}
