using TrpoEdge.Sim.Box2D;
using TrpoEdge.Sim.Random;

namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>Generator.integers against values printed by NumPy 1.24.2:
/// <c>g = Generator(PCG64(s)); g.integers(-9999, 9999) ×3, g.uniform(0, 1), g.integers(-9999, 9999)</c>. The third
/// integer leaves the upper half of a 64-bit output buffered; uniform does not touch it and the last integer uses it.</summary>
public sealed class NumPyIntegersTests
{
    [Theory]
    [InlineData(0UL, 7011, 2738, 222, 0.04097352393619469, -4604)]
    [InlineData(1UL, -537, 236, 5102, 0.14415961271963373, 9008)]
    [InlineData(2UL, 6750, -4768, -7814, 0.8142257405942803, -4030)]
    [InlineData(3UL, 6229, -8287, -6411, 0.8012744652063969, -5264)]
    [InlineData(42UL, -8215, 5478, 3091, 0.8585979199113825, -1223)]
    public void Integers_and_the_buffered_half_match_numpy(ulong seed, long i0, long i1, long i2, double u, long i3)
    {
        var rng = new Pcg64(seed);
        var integers = new NumPyIntegers(rng);
        Assert.Equal(i0, integers.Next(-9999, 9999));
        Assert.Equal(i1, integers.Next(-9999, 9999));
        Assert.Equal(i2, integers.Next(-9999, 9999));
        Assert.True(integers.HasBuffered);
        Assert.Equal(u, rng.Uniform(0, 1));
        Assert.Equal(i3, integers.Next(-9999, 9999));
        Assert.False(integers.HasBuffered);
    }

    [Fact]
    public void Grass_counters_match_numpy()
    {
        // g = Generator(PCG64(5)); [g.integers(5.0, 10) for _ in range(7)], g.uniform(-1, 1)
        var rng = new Pcg64(5);
        var integers = new NumPyIntegers(rng);
        long[] expected = [8, 9, 5, 9, 7, 7, 8];
        foreach (long e in expected) Assert.Equal(e, integers.Next(5, 10));
        Assert.Equal(-0.8921385952366871, rng.Uniform(-1, 1));
    }
}
