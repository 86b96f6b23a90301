using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engines;

namespace TrpoEdge.Trainer.Tests.Algorithms;

public sealed class ConjugateGradientTests
{
    [Fact]
    public void Solves_a_known_three_by_three_system_exactly()
    {
        // A = [[4,1,0],[1,3,1],[0,1,2]], x* = [1,-2,3]  =>  b = A x* = [2,-2,4]
        float[,] a = { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } };
        var (iterations, residual, x) = Solve(a, [2, -2, 4], 10, 1e-12);
        Assert.True(iterations <= 3, $"CG on a 3×3 SPD system converges in at most 3 iterations in exact arithmetic; took {iterations}.");
        Assert.True(residual < 1e-8);
        Assert.Equal(1f, x[0], 4);
        Assert.Equal(-2f, x[1], 4);
        Assert.Equal(3f, x[2], 4);
    }

    [Fact]
    public void Solves_a_random_well_conditioned_system_to_the_tolerance()
    {
        const int n = 40;
        var rng = new Random(7);
        var m = new float[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i, j] = (float)(rng.NextDouble() - 0.5);
        var a = new float[n, n]; // A = MᵀM + n·I is SPD with condition number well below 10
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? n : 0;
                for (int k = 0; k < n; k++) s += m[k, i] * m[k, j];
                a[i, j] = (float)s;
            }
        var expected = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var b = new float[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += a[i, j] * expected[j];
            b[i] = (float)s;
        }
        var (_, _, x) = Solve(a, b, 100, 1e-10);
        for (int i = 0; i < n; i++) Assert.Equal(expected[i], x[i], 3);
    }

    [Fact]
    public void Stops_after_the_iteration_budget()
    {
        float[,] a = { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } };
        var (iterations, residual, _) = Solve(a, [2, -2, 4], 1, 0);
        Assert.Equal(1, iterations);
        Assert.True(residual > 0);
    }

    [Fact]
    public void A_warm_start_at_the_solution_needs_no_iteration()
    {
        float[,] a = { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } };
        var space = new ManagedVectorSpace(3);
        var b = space.Wrap([2, -2, 4]);
        var x = space.Wrap([1, -2, 3]);
        var (iterations, residual) = new ConjugateGradient(space).Solve(Multiply(space, a), b, x, 10, 1e-12, warmStart: true);
        Assert.Equal(0, iterations);
        Assert.Equal(0, residual);
    }

    [Fact]
    public void Rejects_vectors_of_another_length()
    {
        float[,] a = { { 1 } };
        var space = new ManagedVectorSpace(1);
        var e = Assert.Throws<ArgumentException>(() => new ConjugateGradient(space).Solve(Multiply(space, a), space.Wrap([1f]), new ManagedVector(new float[2]), 1, 0));
        Assert.Contains("x 2 elements", e.Message);
    }

    private static (int Iterations, double Residual, float[] X) Solve(float[,] a, float[] b, int maxIterations, double tolerance)
    {
        var space = new ManagedVectorSpace(b.Length);
        var x = new float[b.Length];
        var (iterations, residual) = new ConjugateGradient(space).Solve(Multiply(space, a), space.Wrap(b), space.Wrap(x), maxIterations, tolerance);
        return (iterations, residual, x);
    }

    private static LinearOperator Multiply(ManagedVectorSpace space, float[,] a) => (vector, product) =>
    {
        Span<float> v = space.Of(vector), result = space.Of(product);
        for (int i = 0; i < result.Length; i++)
        {
            double s = 0;
            for (int j = 0; j < v.Length; j++) s += a[i, j] * v[j];
            result[i] = (float)s;
        }
    };
}
