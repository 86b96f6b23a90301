using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Tests.Engine;

public sealed class OrthogonalInitTests
{
    /// <summary>W·Wᵀ (rows ≤ cols) or Wᵀ·W (rows &gt; cols) must be gain²·I, like PyTorch's orthogonal_.</summary>
    private static void AssertOrthogonal(ReadOnlySpan<float> w, int rows, int cols, float gain)
    {
        bool wide = rows <= cols;
        int d = wide ? rows : cols, len = wide ? cols : rows;
        for (int a = 0; a < d; a++)
        for (int b = 0; b < d; b++)
        {
            double s = 0;
            for (int t = 0; t < len; t++)
                s += wide ? (double)w[a * cols + t] * w[b * cols + t] : (double)w[t * cols + a] * w[t * cols + b];
            double expected = a == b ? (double)gain * gain : 0;
            Assert.True(Math.Abs(s - expected) < 1e-5 * Math.Max(1, gain * gain), $"{rows}×{cols}: product[{a},{b}] = {s}, expected {expected}");
        }
    }

    [Fact]
    public void Weights_are_orthogonal_with_the_requested_gains_and_biases_are_zero()
    {
        var mlp = new Mlp(3, [64, 64], 2, Activation.Tanh);
        mlp.Parameters.Fill(1f);
        mlp.InitOrthogonal(42, MathF.Sqrt(2), 0.01f);
        AssertOrthogonal(mlp.Weight(0), 64, 3, MathF.Sqrt(2));   // tall: orthonormal columns
        AssertOrthogonal(mlp.Weight(1), 64, 64, MathF.Sqrt(2));  // square
        AssertOrthogonal(mlp.Weight(2), 2, 64, 0.01f);           // wide: orthonormal rows
        for (int l = 0; l < mlp.LayerCount; l++) Assert.All(mlp.Bias(l).ToArray(), b => Assert.Equal(0f, b));
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_another_seed_does_not()
    {
        Mlp Make(ulong seed)
        {
            var m = new Mlp(4, [16, 16], 1, Activation.Relu);
            m.InitOrthogonal(seed, MathF.Sqrt(2), 1f);
            return m;
        }
        Assert.Equal(Make(5).Parameters.ToArray(), Make(5).Parameters.ToArray());
        Assert.NotEqual(Make(5).Parameters.ToArray(), Make(6).Parameters.ToArray());
    }

    [Fact]
    public void Entries_look_like_a_haar_random_orthogonal_matrix()
    {
        // For a Haar-random n×n orthogonal matrix each entry has mean 0 and variance 1/n; the sign correction is
        // what makes the diagonal unbiased (without it Q's diagonal of a Gaussian QR leans positive).
        const int n = 64;
        double sum = 0, sumSq = 0, diag = 0;
        int count = 0;
        for (ulong seed = 0; seed < 20; seed++)
        {
            var m = new Mlp(n, [], n, Activation.Tanh);
            m.InitOrthogonal(seed, 1f, 1f);
            ReadOnlySpan<float> w = m.Weight(0);
            for (int i = 0; i < w.Length; i++) { sum += w[i]; sumSq += w[i] * w[i]; count++; }
            for (int i = 0; i < n; i++) diag += w[i * n + i];
        }
        double mean = sum / count, variance = sumSq / count - mean * mean;
        Assert.True(Math.Abs(mean) < 0.005, $"mean entry {mean}");
        Assert.True(Math.Abs(variance * n - 1) < 0.02, $"variance × n = {variance * n}");
        // 1280 diagonal entries of sd 1/8: their mean has sd ≈ 0.0035.
        Assert.True(Math.Abs(diag / (20 * n)) < 0.015, $"mean diagonal entry {diag / (20 * n)}");
    }
}
