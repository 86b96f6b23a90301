using TrpoEdge.Sim.Envs;

namespace TrpoEdge.Sim.Tests;

/// <summary>PyMath.SquareAsPow skips libm pow where its answer is provably x·x; it must still equal Math.Pow(x, 2)
/// bit for bit, including on the inputs where pow and x·x differ.</summary>
public sealed class SquareAsPowTests
{
    [Fact]
    public void Equals_libm_pow_bit_for_bit_on_millions_of_inputs_across_magnitudes()
    {
        var rng = new System.Random(20261206);
        int powDiffersFromProduct = 0;
        for (int i = 0; i < 3_000_000; i++)
        {
            // Mantissas uniform, exponents from tiny to huge (squares from subnormal to overflow), both signs.
            double x = (rng.NextDouble() + 1.0) * Math.Pow(2, rng.Next(-540, 515)) * (rng.Next(2) == 0 ? 1 : -1);
            if (i % 3 == 0) x = rng.NextDouble() * 40 - 20; // the range the environments square
            double expected = Math.Pow(x, 2);
            double actual = PyMath.SquareAsPow(x);
            if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual))
                Assert.Fail($"x = {x:R}: pow gives {expected:R}, SquareAsPow {actual:R}");
            if (expected != x * x) powDiffersFromProduct++;
        }
        Assert.True(powDiffersFromProduct > 100, $"pow and x*x differed only {powDiffersFromProduct} times: the sample does not exercise the difference");
        foreach (double x in new[] { 0.0, -0.0, 1.0, -2.0, 0.5, double.Epsilon, 1e-200, 1e200, 1e155, double.MaxValue, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Pow(x, 2)), BitConverter.DoubleToInt64Bits(PyMath.SquareAsPow(x)));
    }
}
