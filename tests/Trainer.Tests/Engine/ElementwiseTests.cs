using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Tests.Engine;

public sealed class ElementwiseTests
{
    [Fact]
    public void Tanh_is_within_four_float_ulps_of_the_double_precision_tanh_and_keeps_nan()
    {
        var backend = new ManagedBackend();
        var x = new List<float> { 0f, -0f, 1e-30f, -1e-7f, 0.0624f, 0.0625f, 0.07f, -0.5f, 1f, 3f, -9.5f, 10f, 20f, -88f,
            float.PositiveInfinity, float.NegativeInfinity };
        var rng = new Random(1);
        for (int i = 0; i < 5000; i++) x.Add((float)((rng.NextDouble() * 2 - 1) * Math.Pow(10, rng.Next(-4, 2))));
        x.Add(float.NaN);
        float[] y = x.ToArray();
        backend.Activate(Activation.Tanh, y);
        for (int i = 0; i < x.Count - 1; i++)
        {
            double expected = Math.Tanh(x[i]);
            // 4 ulps of the float nearest the exact value.
            float e = MathF.Abs((float)expected);
            double ulp = MathF.BitIncrement(e) - e;
            Assert.True(Math.Abs(y[i] - expected) <= 4 * ulp,
                $"tanh({x[i]:R}) = {y[i]:R}, expected {expected:R}");
        }
        Assert.True(float.IsNaN(y[^1]), "tanh(NaN) must be NaN");
    }

    [Fact]
    public void Activation_derivatives_are_expressed_through_the_output()
    {
        var backend = new ManagedBackend();
        float[] y = [0.5f, -0.25f, 0f, 0.9f, 0f, 2f, 0.1f, -0.3f, 0.7f, 0.2f, 0.4f, -0.6f, 0.8f, 0.3f, -0.1f, 0.05f, 0.6f];
        float[] d = Enumerable.Range(1, y.Length).Select(i => (float)i).ToArray();
        float[] tanhD = (float[])d.Clone();
        backend.MultiplyByDerivative(Activation.Tanh, y, tanhD);
        for (int i = 0; i < y.Length; i++) Assert.Equal(d[i] * (1 - y[i] * y[i]), tanhD[i], 5);
        float[] reluD = (float[])d.Clone();
        backend.MultiplyByDerivative(Activation.Relu, y, reluD);
        for (int i = 0; i < y.Length; i++) Assert.Equal(y[i] > 0 ? d[i] : 0f, reluD[i]);
    }

    [Fact]
    public void Sum_rows_and_broadcast_rows_agree_with_loops()
    {
        var backend = new ManagedBackend();
        float[] row = [1f, -2f, 3.5f];
        var m = new float[4 * 3];
        backend.BroadcastRows(row, 4, m);
        for (int i = 0; i < 4; i++) Assert.Equal(row, m.AsSpan(i * 3, 3).ToArray());
        m[5] = 10f;
        var sums = new float[3];
        backend.SumRows(m, 4, 3, sums);
        Assert.Equal(new[] { 4f, -8f, 14f + 6.5f }, sums);
    }
}
