using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Tests.Algorithms;

public sealed class ConjugateGradientTests
{
    [Fact]
    public void Solves_a_known_three_by_three_system_exactly()
    {
        // A = [[4,1,0],[1,3,1],[0,1,2]], x* = [1,-2,3]  =>  b = A x* = [2,-2,4]
        float[,] a = { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } };
        float[] b = [2, -2, 4];
        var x = new float[3];
        var (iterations, residual) = ConjugateGradient.Solve(Multiply(a), b, x, 10, 1e-12, new float[9]);
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
        Multiply(a)(expected, b);
        var x = new float[n];
        ConjugateGradient.Solve(Multiply(a), b, x, 100, 1e-10, new float[3 * n]);
        for (int i = 0; i < n; i++) Assert.Equal(expected[i], x[i], 3);
    }

    [Fact]
    public void Stops_after_the_iteration_budget()
    {
        float[,] a = { { 4, 1, 0 }, { 1, 3, 1 }, { 0, 1, 2 } };
        var x = new float[3];
        var (iterations, residual) = ConjugateGradient.Solve(Multiply(a), [2, -2, 4], x, 1, 0, new float[9]);
        Assert.Equal(1, iterations);
        Assert.True(residual > 0);
    }

    [Fact]
    public void Rejects_a_work_buffer_that_is_too_small()
    {
        float[,] a = { { 1 } };
        var e = Assert.Throws<ArgumentException>(() => ConjugateGradient.Solve(Multiply(a), [1f], new float[1], 1, 0, new float[2]));
        Assert.Contains("work needs 3", e.Message);
    }

    private static LinearOperator Multiply(float[,] a) => (v, result) =>
    {
        for (int i = 0; i < result.Length; i++)
        {
            double s = 0;
            for (int j = 0; j < v.Length; j++) s += a[i, j] * v[j];
            result[i] = (float)s;
        }
    };
}
