using TrpoEdge.Sim.Envs;

namespace TrpoEdge.Sim.Tests;

public sealed class AngleNormalizeTests
{
    /// <summary>Python: ((x + pi) % (2*pi)) - pi, values printed by CPython.</summary>
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(3.141592653589793, -3.141592653589793)]
    [InlineData(-3.141592653589793, -3.141592653589793)]
    [InlineData(10.0, -2.5663706143591725)]
    [InlineData(-10.0, 2.5663706143591725)]
    [InlineData(-7.0, -0.7168146928204138)]
    [InlineData(25.0, -0.13274122871834493)]
    [InlineData(-1e-300, 0.0)]
    public void Angle_normalize_uses_pythons_mod_whose_result_takes_the_divisors_sign(double x, double expected)
    {
        Assert.Equal(expected, PyMath.AngleNormalize(x));
    }

    [Fact]
    public void The_fast_path_agrees_with_fmod_plus_pythons_correction_everywhere_it_applies()
    {
        var rng = new System.Random(5);
        for (int i = 0; i < 100_000; i++)
        {
            double x = (rng.NextDouble() * 2 - 1) * 20;
            double y = x + Math.PI;
            double reference = PyMath.Mod(y, 2 * Math.PI) - Math.PI;
            Assert.Equal(BitConverter.DoubleToInt64Bits(reference), BitConverter.DoubleToInt64Bits(PyMath.AngleNormalize(x)));
        }
    }

    [Fact]
    public void SinCos_returns_the_same_bits_as_separate_Sin_and_Cos_so_the_cached_sine_is_gymnasiums()
    {
        var rng = new System.Random(6);
        for (int i = 0; i < 100_000; i++)
        {
            double x = (rng.NextDouble() * 2 - 1) * 100;
            var (s, c) = Math.SinCos(x);
            Assert.Equal(Math.Sin(x), s);
            Assert.Equal(Math.Cos(x), c);
        }
    }
}
