using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Tests.Engine;

public sealed class MlpTests
{
    /// <summary>An independent forward pass in double precision, written from the definition.</summary>
    private static double[] ReferenceForward(Mlp mlp, double[] theta, double[] x, int batch)
    {
        var y = new double[batch * mlp.OutputSize];
        for (int s = 0; s < batch; s++)
        {
            double[] h = x.AsSpan(s * mlp.InputSize, mlp.InputSize).ToArray();
            for (int l = 0; l < mlp.LayerCount; l++)
            {
                int nIn = mlp.LayerInputs(l), nOut = mlp.LayerOutputs(l);
                var z = new double[nOut];
                for (int o = 0; o < nOut; o++)
                {
                    double sum = theta[mlp.BiasOffset(l) + o];
                    for (int i = 0; i < nIn; i++) sum += theta[mlp.WeightOffset(l) + o * nIn + i] * h[i];
                    z[o] = l == mlp.LayerCount - 1 ? sum : mlp.Activation == Activation.Tanh ? Math.Tanh(sum) : Math.Max(0, sum);
                }
                h = z;
            }
            h.CopyTo(y, s * mlp.OutputSize);
        }
        return y;
    }

    private static double Dot(double[] a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double[] RandomDoubles(Random rng, int n, double scale = 1)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (rng.NextDouble() * 2 - 1) * scale;
        return x;
    }

    private static float[] ToFloats(double[] x) => x.Select(v => (float)v).ToArray();

    private static double[] ToDoubles(ReadOnlySpan<float> x) => x.ToArray().Select(v => (double)v).ToArray();

    /// <summary>A network with random (not orthogonal) weights and biases, so every parameter matters, and its
    /// float parameters exactly representable as the double reference's θ.</summary>
    private static (Mlp Mlp, double[] Theta) Build(int inputs, int[] hidden, int outputs, Activation act, int seed, IComputeBackend? backend = null)
    {
        var mlp = new Mlp(inputs, hidden, outputs, act, backend ?? new ManagedBackend());
        var rng = new Random(seed);
        for (int i = 0; i < mlp.ParameterCount; i++) mlp.Parameters[i] = (float)((rng.NextDouble() * 2 - 1) * 0.7);
        return (mlp, ToDoubles(mlp.Parameters));
    }

    public static TheoryData<Activation, int, int[], int, int> Shapes() => new()
    {
        { Activation.Tanh, 3, [8, 5], 2, 7 },
        { Activation.Relu, 3, [8, 5], 2, 7 },
        { Activation.Tanh, 6, [64, 64], 1, 33 },
        { Activation.Relu, 4, [16], 3, 70 },
        { Activation.Tanh, 2, [], 3, 5 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_a_double_precision_reference(Activation act, int inputs, int[] hidden, int outputs, int batch)
    {
        var (mlp, theta) = Build(inputs, hidden, outputs, act, seed: 1);
        var rng = new Random(2);
        double[] x = RandomDoubles(rng, batch * inputs, 2);
        var y = new float[batch * outputs];
        mlp.Forward(ToFloats(x), batch, y);
        double[] expected = ReferenceForward(mlp, theta, ToDoubles(ToFloats(x)), batch);
        for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - expected[i]) < 1e-4, $"y[{i}] = {y[i]}, expected {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_matches_central_finite_differences_for_parameters_and_input(Activation act, int inputs, int[] hidden, int outputs, int batch)
    {
        var (mlp, theta) = Build(inputs, hidden, outputs, act, seed: 3);
        var rng = new Random(4);
        double[] x = ToDoubles(ToFloats(RandomDoubles(rng, batch * inputs, 2)));
        double[] u = ToDoubles(ToFloats(RandomDoubles(rng, batch * outputs)));
        mlp.Forward(ToFloats(x), batch, new float[batch * outputs]);
        var grad = new float[mlp.ParameterCount];
        var gradX = new float[batch * inputs];
        mlp.Backward(ToFloats(u), grad, gradX);

        // L(θ, x) = Σ u ⊙ f(θ, x); derivatives by central differences in double (h small, so relu kinks are not
        // crossed except with negligible probability).
        const double h = 1e-6;
        double Loss(double[] th, double[] xs)
        {
            double[] y = ReferenceForward(mlp, th, xs, batch);
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += u[i] * y[i];
            return s;
        }
        // Large networks: every 7th parameter (still thousands of checks), small ones: all.
        int stride = mlp.ParameterCount > 1000 ? 7 : 1;
        for (int j = 0; j < mlp.ParameterCount; j += stride)
        {
            double keep = theta[j];
            theta[j] = keep + h; double plus = Loss(theta, x);
            theta[j] = keep - h; double minus = Loss(theta, x);
            theta[j] = keep;
            double fd = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(grad[j] - fd) <= 1e-3 * Math.Max(1, Math.Abs(fd)), $"∂L/∂θ[{j}] = {grad[j]}, finite difference {fd}");
        }
        for (int j = 0; j < x.Length; j++)
        {
            double keep = x[j];
            x[j] = keep + h; double plus = Loss(theta, x);
            x[j] = keep - h; double minus = Loss(theta, x);
            x[j] = keep;
            double fd = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(gradX[j] - fd) <= 1e-3 * Math.Max(1, Math.Abs(fd)), $"∂L/∂x[{j}] = {gradX[j]}, finite difference {fd}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Jvp_matches_finite_differences_and_the_adjoint_identity(Activation act, int inputs, int[] hidden, int outputs, int batch)
    {
        var (mlp, theta) = Build(inputs, hidden, outputs, act, seed: 5);
        var rng = new Random(6);
        double[] x = ToDoubles(ToFloats(RandomDoubles(rng, batch * inputs, 2)));
        double[] v = ToDoubles(ToFloats(RandomDoubles(rng, mlp.ParameterCount)));
        double[] u = ToDoubles(ToFloats(RandomDoubles(rng, batch * outputs)));
        mlp.Forward(ToFloats(x), batch, new float[batch * outputs]);
        var jv = new float[batch * outputs];
        mlp.Jvp(ToFloats(v), jv);

        const double h = 1e-6;
        double[] plus = ReferenceForward(mlp, theta.Select((t, i) => t + h * v[i]).ToArray(), x, batch);
        double[] minus = ReferenceForward(mlp, theta.Select((t, i) => t - h * v[i]).ToArray(), x, batch);
        for (int i = 0; i < jv.Length; i++)
        {
            double fd = (plus[i] - minus[i]) / (2 * h);
            Assert.True(Math.Abs(jv[i] - fd) <= 1e-3 * Math.Max(1, Math.Abs(fd)), $"(J·v)[{i}] = {jv[i]}, finite difference {fd}");
        }

        // ⟨J·v, u⟩ = ⟨v, Jᵀ·u⟩: forward mode and reverse mode must be adjoint.
        var jtu = new float[mlp.ParameterCount];
        mlp.Backward(ToFloats(u), jtu);
        double left = Dot(u, jv), right = Dot(v, jtu);
        Assert.True(Math.Abs(left - right) <= 1e-4 * Math.Max(1, Math.Abs(left)), $"⟨Jv, u⟩ = {left} but ⟨v, Jᵀu⟩ = {right}");
    }

    [Fact]
    public void Steady_state_forward_backward_and_jvp_allocate_nothing()
    {
        // Batch 2048 takes the two-thread GEMM path; the smaller batch afterwards reuses the grown buffers.
        var mlp = new Mlp(3, [64, 64], 1, Activation.Tanh, new ManagedBackend());
        mlp.InitOrthogonal(7, MathF.Sqrt(2), 1f);
        var x = new float[2048 * 3];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 17) * 0.1f - 0.8f;
        var y = new float[2048];
        var grad = new float[mlp.ParameterCount];
        var tangent = new float[mlp.ParameterCount];
        tangent.AsSpan().Fill(0.01f);
        mlp.Forward(x, 2048, y);
        mlp.Backward(y, grad);
        mlp.Jvp(tangent, y);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int rep = 0; rep < 5; rep++)
        {
            mlp.Forward(x, 2048, y);
            mlp.Jvp(tangent, y);
            mlp.Backward(y, grad);
            mlp.Forward(x, 100, y);
            mlp.Backward(y, grad);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Growing_and_shrinking_the_batch_gives_the_same_rows()
    {
        var (mlp, _) = Build(4, [32, 32], 2, Activation.Tanh, seed: 9);
        var rng = new Random(10);
        float[] x = ToFloats(RandomDoubles(rng, 300 * 4));
        var small = new float[5 * 2];
        mlp.Forward(x, 5, small);
        var large = new float[300 * 2];
        mlp.Forward(x, 300, large);
        var again = new float[5 * 2];
        mlp.Forward(x, 5, again);
        Assert.Equal(small, again);
        for (int i = 0; i < small.Length; i++) Assert.True(Math.Abs(small[i] - large[i]) < 1e-5, $"row value {i}: {small[i]} vs {large[i]}");
    }

    [Fact]
    public void Every_backend_gives_the_same_forward_backward_and_jvp()
    {
        var backends = new List<IComputeBackend> { new ManagedBackend(ManagedIsa.Scalar, 1), new ManagedBackend() };
        if (ManagedBackend.IsSupported(ManagedIsa.Avx2)) backends.Add(new ManagedBackend(ManagedIsa.Avx2, 2) { ParallelThresholdFlops = 0 });
        if (OpenBlasBackend.IsAvailable) backends.Add(new OpenBlasBackend());
        float[]? y0 = null, g0 = null, j0 = null;
        foreach (var backend in backends)
        {
            var (mlp, _) = Build(5, [64, 64], 3, Activation.Relu, seed: 11, backend);
            var rng = new Random(12);
            float[] x = ToFloats(RandomDoubles(rng, 257 * 5)), t = ToFloats(RandomDoubles(rng, mlp.ParameterCount));
            var y = new float[257 * 3];
            var g = new float[mlp.ParameterCount];
            var j = new float[257 * 3];
            mlp.Forward(x, 257, y);
            mlp.Backward(y, g);
            mlp.Jvp(t, j);
            if (y0 is null) { (y0, g0, j0) = (y, g, j); continue; }
            for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - y0[i]) < 1e-4, $"{backend.Name}: y[{i}]");
            for (int i = 0; i < g.Length; i++) Assert.True(Math.Abs(g[i] - g0![i]) < 1e-2 * Math.Max(1, Math.Abs(g0[i])), $"{backend.Name}: grad[{i}] {g[i]} vs {g0[i]}");
            for (int i = 0; i < j.Length; i++) Assert.True(Math.Abs(j[i] - j0![i]) < 1e-3 * Math.Max(1, Math.Abs(j0[i])), $"{backend.Name}: jvp[{i}]");
        }
    }

    [Fact]
    public void Backward_before_forward_says_to_call_forward()
    {
        var mlp = new Mlp(3, [4], 1, Activation.Tanh);
        var ex = Assert.Throws<InvalidOperationException>(() => mlp.Backward(new float[1], new float[mlp.ParameterCount]));
        Assert.Contains("Forward", ex.Message);
    }

    [Fact]
    public void Parameters_are_laid_out_as_weight_then_bias_per_layer()
    {
        var mlp = new Mlp(3, [4], 2, Activation.Tanh);
        Assert.Equal(3 * 4 + 4 + 4 * 2 + 2, mlp.ParameterCount);
        Assert.Equal(0, mlp.WeightOffset(0));
        Assert.Equal(12, mlp.BiasOffset(0));
        Assert.Equal(16, mlp.WeightOffset(1));
        Assert.Equal(24, mlp.BiasOffset(1));
        mlp.Weight(1)[5] = 42f;
        Assert.Equal(42f, mlp.Parameters[16 + 5]);
    }
}
