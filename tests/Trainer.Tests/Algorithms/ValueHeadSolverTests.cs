using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engine;

namespace TrpoEdge.Trainer.Tests.Algorithms;

public sealed class ValueHeadSolverTests
{
    private static Mlp Critic(int inputs, int seed)
    {
        var net = new Mlp(inputs, [16, 12], 1, Activation.Tanh, new ManagedBackend());
        var rng = new Random(seed);
        for (int i = 0; i < net.ParameterCount; i++) net.Parameters[i] = (float)((rng.NextDouble() * 2 - 1) * 0.8);
        return net;
    }

    private static float[] Uniform(Random rng, int n, double scale)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return x;
    }

    /// <summary>½·1/N Σ (V − t)² + ½·λ·‖w − w₀‖² in double, from the network's own forward pass.</summary>
    private static double Objective(Mlp net, float[] obs, float[] targets, int n, double ridge, float[] w0)
    {
        var v = new float[n];
        net.Forward(obs, n, v);
        double sq = 0;
        for (int i = 0; i < n; i++) sq += Math.Pow((double)v[i] - targets[i], 2);
        double pull = 0;
        ReadOnlySpan<float> w = net.Weight(net.LayerCount - 1);
        for (int j = 0; j < w.Length; j++) pull += Math.Pow((double)w[j] - w0[j], 2);
        return 0.5 * sq / n + 0.5 * ridge * pull;
    }

    [Fact]
    public void Cholesky_solves_a_known_system()
    {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = [1, -2, 3] → b = A·x = [0, -5, 7].
        double[] a = [4, 2, 0, 2, 5, 1, 0, 1, 3];
        double[] b = [0, -5, 7];
        Assert.True(ValueHeadSolver.CholeskySolveInPlace(a, b, 3));
        Assert.Equal(1, b[0], 12);
        Assert.Equal(-2, b[1], 12);
        Assert.Equal(3, b[2], 12);
    }

    [Fact]
    public void Cholesky_refuses_a_matrix_that_is_not_positive_definite()
    {
        double[] a = [1, 2, 2, 1];
        double[] b = [1, 1];
        Assert.False(ValueHeadSolver.CholeskySolveInPlace(a, b, 2));
    }

    /// <summary>Targets that a head on the network's own features reproduces exactly: the solve recovers that head
    /// (the ridge is tiny, and pulls towards a different head, so the answer cannot come from the start).</summary>
    [Fact]
    public void Recovers_a_head_that_fits_exactly()
    {
        var rng = new Random(3);
        Mlp net = Critic(3, 11);
        int n = 700, last = net.LayerCount - 1;
        float[] obs = Uniform(rng, n * 3, 2.0);
        float[] wTrue = Uniform(rng, 12, 1.5);
        const float bTrue = -0.75f;
        wTrue.CopyTo(net.Weight(last));
        net.Bias(last)[0] = bTrue;
        var targets = new float[n];
        net.Forward(obs, n, targets);
        Uniform(rng, 12, 1.0).CopyTo(net.Weight(last)); // a wrong head to start from
        net.Bias(last)[0] = 3f;

        double mse = new ValueHeadSolver(net).Solve(obs, targets, n, 1e-9);

        for (int j = 0; j < 12; j++) Assert.Equal(wTrue[j], net.Weight(last)[j], 2e-3f);
        Assert.Equal(bTrue, net.Bias(last)[0], 2e-3f);
        Assert.True(mse < 1e-5, $"MSE after an exact fit is {mse}"); // float features: RMS error ~1e-3 of targets of size ~3
    }

    /// <summary>The solution is the objective's minimiser over the head: its gradient there is zero (the network's
    /// analytic backward pass for the data term plus λ(w − w₀)), and finite perturbations of every head parameter,
    /// either way, only increase it.</summary>
    [Fact]
    public void The_solution_is_the_ridge_objectives_minimum()
    {
        var rng = new Random(5);
        Mlp net = Critic(4, 21);
        int n = 900, last = net.LayerCount - 1;
        const double ridge = 0.05;
        float[] obs = Uniform(rng, n * 4, 1.5);
        var targets = new float[n];
        for (int i = 0; i < n; i++) targets[i] = (float)(Math.Sin(obs[i * 4]) * 3 - obs[i * 4 + 1] * obs[i * 4 + 2] + 0.3 * rng.NextDouble());
        float[] w0 = net.Weight(last).ToArray();

        double mse = new ValueHeadSolver(net).Solve(obs, targets, n, ridge);

        var v = new float[n];
        net.Forward(obs, n, v);
        var dy = new float[n];
        double direct = 0;
        for (int i = 0; i < n; i++)
        {
            dy[i] = (v[i] - targets[i]) / n;
            direct += Math.Pow((double)v[i] - targets[i], 2) / n;
        }
        Assert.Equal(direct, mse, 1e-4);
        var grad = new float[net.ParameterCount];
        net.Backward(dy, grad);
        ReadOnlySpan<float> w = net.Weight(last);
        for (int j = 0; j < w.Length; j++)
            Assert.True(Math.Abs(grad[net.WeightOffset(last) + j] + ridge * (w[j] - w0[j])) < 1e-5, $"∂/∂w[{j}] = {grad[net.WeightOffset(last) + j] + ridge * (w[j] - w0[j])}");
        Assert.True(Math.Abs(grad[net.BiasOffset(last)]) < 1e-5, $"∂/∂b = {grad[net.BiasOffset(last)]}");

        double best = Objective(net, obs, targets, n, ridge, w0);
        foreach (int index in Enumerable.Range(net.WeightOffset(last), w.Length + 1))
            foreach (float h in new[] { -0.02f, 0.02f })
            {
                float kept = net.Parameters[index];
                net.Parameters[index] = kept + h;
                Assert.True(Objective(net, obs, targets, n, ridge, w0) > best - 1e-9, $"parameter {index} moved by {h} lowered the objective");
                net.Parameters[index] = kept;
            }
    }

    /// <summary>Saturated units (mean near 1, variance tiny) do not spoil the solve: the features are centred before
    /// the Gram product, and a head that fits exactly is still recovered.</summary>
    [Fact]
    public void Saturated_features_still_give_the_exact_fit()
    {
        var rng = new Random(8);
        Mlp net = Critic(2, 31);
        for (int j = 0; j < 16; j++) net.Bias(0)[j] = j % 2 == 0 ? 4f : -4f; // drives the first layer into saturation
        int n = 512, last = net.LayerCount - 1;
        float[] obs = Uniform(rng, n * 2, 1.0);
        float[] wTrue = Uniform(rng, 12, 1.0);
        wTrue.CopyTo(net.Weight(last));
        var targets = new float[n];
        net.Forward(obs, n, targets);
        net.Weight(last).Clear();

        double mse = new ValueHeadSolver(net).Solve(obs, targets, n, 1e-9);
        Assert.True(mse < 1e-6, $"MSE {mse}");
        var v = new float[n];
        net.Forward(obs, n, v);
        for (int i = 0; i < n; i++) Assert.Equal(targets[i], v[i], 1e-3f);
    }

    [Fact]
    public void Batches_larger_than_a_chunk_give_the_same_head_as_one_pass()
    {
        var rng = new Random(9);
        int n = ValueHeadSolver.Chunk + 300;
        float[] obs = Uniform(rng, n * 3, 1.0);
        var targets = Uniform(rng, n, 2.0);
        Mlp net = Critic(3, 41);
        double mse = new ValueHeadSolver(net).Solve(obs, targets, n, 1e-3);
        Assert.True(double.IsFinite(mse));
        // Reference: the same normal equations written out in double, row by row.
        int h = 12, last = net.LayerCount - 1;
        Mlp reference = Critic(3, 41);
        var features = new double[n, h];
        var scratch = new float[1];
        for (int i = 0; i < n; i++)
        {
            reference.Forward(obs.AsSpan(i * 3, 3), 1, scratch);
            ReadOnlySpan<float> f = reference.CachedActivations(last);
            for (int j = 0; j < h; j++) features[i, j] = f[j];
        }
        var a = new double[(h + 1) * (h + 1)];
        var b = new double[h + 1];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= h; j++)
            {
                double fj = j < h ? features[i, j] : 1.0;
                b[j] += fj * targets[i] / n;
                for (int k = 0; k <= h; k++) a[j * (h + 1) + k] += fj * (k < h ? features[i, k] : 1.0) / n;
            }
        for (int j = 0; j < h; j++)
        {
            a[j * (h + 1) + j] += 1e-3;
            b[j] += 1e-3 * reference.Weight(last)[j];
        }
        Assert.True(ValueHeadSolver.CholeskySolveInPlace(a, b, h + 1));
        for (int j = 0; j < h; j++) Assert.Equal(b[j], net.Weight(last)[j], 1e-3);
        Assert.Equal(b[h], net.Bias(last)[0], 1e-3);
    }

    [Fact]
    public void Refuses_a_ridge_that_is_not_positive()
    {
        Mlp net = Critic(2, 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ValueHeadSolver(net).Solve(new float[4], new float[2], 2, 0));
        Assert.Contains("ridge", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_function_fit_with_the_head_solve_ends_below_adam_alone()
    {
        var rng = new Random(12);
        int n = 1024;
        float[] obs = Uniform(rng, n * 3, 1.0);
        var targets = new float[n];
        for (int i = 0; i < n; i++) targets[i] = (float)(5 * obs[i * 3] - 2 * obs[i * 3 + 1] * obs[i * 3 + 2] - 8);
        ValueFunction Make(double? ridge)
        {
            var net = new Mlp(3, [32, 32], 1, Activation.Tanh, new ManagedBackend());
            net.InitOrthogonal(7, MathF.Sqrt(2), 1f);
            return new ValueFunction(net, 3, new AdamOptions(1e-3)) { HeadRidge = ridge };
        }
        double adam = Make(null).Fit(obs, targets, n, 3, 128, new Random(1));
        ValueFunction solved = Make(1e-3);
        double withHead = solved.Fit(obs, targets, n, 3, 128, new Random(1));
        Assert.True(withHead < 0.5 * adam, $"Adam alone {adam}, with the head solve {withHead}");
        var v = new float[n];
        solved.Predict(obs, n, v);
        double mse = 0;
        for (int i = 0; i < n; i++) mse += Math.Pow((double)v[i] - targets[i], 2) / n;
        Assert.Equal(mse, withHead, 1e-3 * Math.Max(1, mse));
    }

    [Fact]
    public void A_repeated_solve_allocates_nothing()
    {
        var rng = new Random(4);
        int n = 2048;
        float[] obs = Uniform(rng, n * 3, 1.0), targets = Uniform(rng, n, 3.0);
        Mlp net = Critic(3, 51);
        var solver = new ValueHeadSolver(net);
        solver.Solve(obs, targets, n, 1e-3); // warm-up: buffers grow once
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) solver.Solve(obs, targets, n, 1e-3);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
