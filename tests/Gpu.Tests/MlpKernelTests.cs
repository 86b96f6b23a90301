using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Gpu.Networks;

namespace TrpoEdge.Gpu.Tests;

/// <summary>The device MLP's forward, backward and JVP agree with the managed Mlp within float rounding.</summary>
public sealed class MlpKernelTests(Simulator sim) : IClassFixture<Simulator>
{
    [Theory]
    [InlineData(Activation.Tanh, new[] { 8, 8 }, 37)]
    [InlineData(Activation.Relu, new[] { 5 }, 70)] // 70 rows: the weight gradient sums more than one chunk
    [InlineData(Activation.Tanh, new[] { 6, 4, 5 }, 3)]
    public void Forward_backward_and_jvp_match_the_managed_network(Activation activation, int[] hidden, int batch)
    {
        var net = new Mlp(3, hidden, 2, activation);
        net.InitOrthogonal(11, 1.4f, 0.5f);
        var rng = new Random(5);
        float[] x = Random(rng, batch * 3), dy = Random(rng, batch * 2), tangent = Random(rng, net.ParameterCount);
        // Non-zero biases, so a kernel that ignores them fails.
        for (int i = 0; i < net.LayerCount; i++) foreach (ref float b in net.Bias(i)) b = (float)(rng.NextDouble() - 0.5);

        var y = new float[batch * 2];
        var grad = new float[net.ParameterCount];
        var jvp = new float[batch * 2];
        net.Forward(x, batch, y);
        net.Backward(dy, grad);
        net.Jvp(tangent, jvp);

        Accelerator acc = sim.Device.Accelerator;
        using var dParams = acc.Allocate1D(net.Parameters.ToArray());
        using var dx = acc.Allocate1D(x);
        using var dyDev = acc.Allocate1D(dy);
        using var dTangent = acc.Allocate1D(tangent);
        using var dOut = acc.Allocate1D<float>(batch * 2);
        using var dGrad = acc.Allocate1D<float>(net.ParameterCount);
        using var dJvp = acc.Allocate1D<float>(batch * 2);
        using var device = new DeviceMlp(sim.Device, net, dParams.View);
        device.Forward(dx.View, batch, dOut.View);
        device.Backward(dyDev.View, dGrad.View);
        device.Jvp(dTangent.View, dJvp.View);

        AssertClose(y, dOut.GetAsArray1D());
        AssertClose(grad, dGrad.GetAsArray1D());
        AssertClose(jvp, dJvp.GetAsArray1D());
    }

    internal static float[] Random(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    internal static void AssertClose(float[] expected, float[] actual, double tolerance = 2e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-3, expected.Max(v => Math.Abs((double)v)));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                $"element {i}: managed {expected[i]}, device {actual[i]} (tolerance {tolerance * scale:G3})");
    }
}
