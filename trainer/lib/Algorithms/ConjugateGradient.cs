namespace TrpoEdge.Trainer.Algorithms;

/// <summary>Conjugate gradient for A x = b with A symmetric positive definite, given only the product
/// v ↦ A v (Schulman et al. 2015, appendix C: the Fisher matrix is never formed). A pure function: all state
/// lives in caller-provided buffers, so it is tested on a known system and allocates nothing.</summary>
public static class ConjugateGradient
{
    /// <summary>Solves A x = b starting from x = 0 (or from the given x when <paramref name="warmStart"/>).</summary>
    /// <param name="multiply">Writes A·v into the second span.</param>
    /// <param name="work">At least 3·n floats: r, p, Ap.</param>
    /// <returns>Iterations run and the final squared residual.</returns>
    public static (int Iterations, double ResidualSquared) Solve(
        LinearOperator multiply,
        ReadOnlySpan<float> b,
        Span<float> x,
        int maxIterations,
        double residualTolerance,
        Span<float> work,
        bool warmStart = false)
    {
        int n = b.Length;
        if (x.Length != n) throw new ArgumentException($"x has {x.Length} elements but b has {n}.", nameof(x));
        if (work.Length < 3 * n) throw new ArgumentException($"work needs {3 * n} floats, got {work.Length}.", nameof(work));
        if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "Conjugate gradient needs at least one iteration.");

        Span<float> r = work[..n], p = work.Slice(n, n), ap = work.Slice(2 * n, n);
        if (warmStart)
        {
            multiply(x, ap);
            for (int i = 0; i < n; i++) r[i] = b[i] - ap[i];
        }
        else
        {
            x.Clear();
            b.CopyTo(r);
        }
        r.CopyTo(p);
        double rr = Dot(r, r);
        int k = 0;
        while (k < maxIterations && rr > residualTolerance)
        {
            multiply(p, ap);
            double pAp = Dot(p, ap);
            if (!(pAp > 0)) break; // A is not positive definite along p (or NaN): stop with the best x so far.
            double alpha = rr / pAp;
            for (int i = 0; i < n; i++)
            {
                x[i] += (float)(alpha * p[i]);
                r[i] -= (float)(alpha * ap[i]);
            }
            double rrNew = Dot(r, r);
            double beta = rrNew / rr;
            for (int i = 0; i < n; i++) p[i] = (float)(r[i] + beta * p[i]);
            rr = rrNew;
            k++;
        }
        return (k, rr);
    }

    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }
}
