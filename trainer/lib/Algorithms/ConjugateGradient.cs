using TrpoEdge.Trainer.Engines;

namespace TrpoEdge.Trainer.Algorithms;

/// <summary>Conjugate gradient for A x = b with A symmetric positive definite, given only the product
/// v ↦ A v (Schulman et al. 2015, appendix C: the Fisher matrix is never formed). Written once over an engine's
/// <see cref="IVectorAlgebra"/>, so it runs where the vectors live (managed arrays, LibTorch tensors, GPU buffers) and
/// the host sees only the scalars rᵀr and pᵀAp. Its three work vectors are created once; a solve allocates nothing.</summary>
public sealed class ConjugateGradient
{
    private readonly IVectorAlgebra _ops;
    private readonly EngineVector _r, _p, _ap;

    public ConjugateGradient(IVectorAlgebra ops)
    {
        _ops = ops;
        _r = ops.CreateVector();
        _p = ops.CreateVector();
        _ap = ops.CreateVector();
    }

    /// <summary>Solves A x = b starting from x = 0 (or from the given x when <paramref name="warmStart"/>).</summary>
    /// <param name="multiply">Writes A·v into its second argument.</param>
    /// <returns>Iterations run and the final squared residual.</returns>
    public (int Iterations, double ResidualSquared) Solve(
        LinearOperator multiply,
        EngineVector b,
        EngineVector x,
        int maxIterations,
        double residualTolerance,
        bool warmStart = false)
    {
        if (b.Length != _ops.Length || x.Length != _ops.Length)
            throw new ArgumentException($"b has {b.Length} and x {x.Length} elements; this solver's vectors have {_ops.Length}.", nameof(x));
        if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "Conjugate gradient needs at least one iteration.");

        IVectorAlgebra ops = _ops;
        if (warmStart)
        {
            multiply(x, _ap);
            ops.Combine(_r, b, -1.0, _ap); // r = b − A x
        }
        else
        {
            ops.Clear(x);
            ops.Copy(b, _r);
        }
        ops.Copy(_r, _p);
        double rr = ops.Dot(_r, _r);
        int k = 0;
        while (k < maxIterations && rr > residualTolerance)
        {
            multiply(_p, _ap);
            double pAp = ops.Dot(_p, _ap);
            if (!(pAp > 0)) break; // A is not positive definite along p (or NaN): stop with the best x so far.
            double alpha = rr / pAp;
            ops.Axpy(alpha, _p, x);   // x ← x + α p
            ops.Axpy(-alpha, _ap, _r); // r ← r − α A p
            double rrNew = ops.Dot(_r, _r);
            double beta = rrNew / rr;
            ops.Combine(_p, _r, beta, _p); // p ← r + β p
            rr = rrNew;
            k++;
        }
        return (k, rr);
    }
}
