using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engines;

namespace TrpoEdge.Trainer.Tests.Engines;

/// <summary>The managed vector operations follow the interface's formulas to the rounding.</summary>
public sealed class ManagedVectorSpaceTests
{
    private readonly ManagedVectorSpace _space = new(3);

    [Fact]
    public void Operations_compute_their_formulas_with_float_elements_and_double_scalars()
    {
        ManagedVector x = _space.Wrap([1f, 2f, 3f]), y = _space.Wrap([0.5f, -1f, 0.1f]);
        Assert.Equal(1.0 * 0.5 + 2.0 * -1.0 + 3.0 * (double)0.1f, _space.Dot(x, y));
        _space.Axpy(0.1, x, y);
        Assert.Equal([0.5f + (float)(0.1 * 1), -1f + (float)(0.1 * 2), 0.1f + (float)(0.1 * 3)], y.Data);
        var d = (ManagedVector)_space.CreateVector();
        _space.Combine(d, x, 1.0 / 3, x);
        Assert.Equal([(float)(1 + 1.0 / 3), (float)(2 + 2.0 / 3), (float)(3 + 1.0)], d.Data);
        _space.Combine(x, x, -1, x); // aliasing the destination is allowed
        Assert.Equal([0f, 0f, 0f], x.Data);
        _space.Scale(2, y);
        _space.Copy(y, x);
        Assert.Equal(y.Data, x.Data);
        _space.Clear(x);
        Assert.Equal([0f, 0f, 0f], x.Data);
    }

    [Fact]
    public void Adam_step_matches_the_host_optimiser()
    {
        var options = new AdamOptions(LearningRate: 0.1);
        var host = new Adam(3, options);
        float[] hostTheta = [1f, -2f, 0.5f], theta = [1f, -2f, 0.5f], g = [0.3f, -0.7f, 2f];
        EngineVector m = _space.CreateVector(), v = _space.CreateVector();
        for (int step = 1; step <= 3; step++)
        {
            host.Update(hostTheta, g);
            _space.AdamStep(_space.Wrap(theta), _space.Wrap(g), m, v, new AdamCoefficients(options, step));
        }
        Assert.Equal(hostTheta, theta);
    }

    [Fact]
    public void Rejects_a_vector_of_another_length_or_engine()
    {
        var e = Assert.Throws<ArgumentException>(() => _space.Dot(new ManagedVector(new float[2]), _space.CreateVector()));
        Assert.Contains("2 elements", e.Message);
        var foreign = Assert.Throws<ArgumentException>(() => _space.Clear(new ForeignVector()));
        Assert.Contains("another engine", foreign.Message);
    }

    private sealed class ForeignVector() : EngineVector(3);
}
