using TrpoEdge.Sim.Random;

namespace TrpoEdge.Trainer.Engine;

/// <summary>PyTorch's <c>nn.init.orthogonal_</c>: draw a rows×cols standard normal matrix, take the QR decomposition
/// of it (or of its transpose when rows &lt; cols, so the factored matrix is tall), multiply each column of Q by the
/// sign of R's diagonal so the result is uniformly (Haar) distributed, transpose back, scale by the gain. The result
/// has orthonormal rows or columns: W·Wᵀ = gain²·I when rows ≤ cols, Wᵀ·W = gain²·I otherwise.</summary>
internal static class Orthogonal
{
    public static void Fill(Pcg64 rng, Span<float> weight, int rows, int cols, float gain)
    {
        if (weight.Length != rows * cols)
            throw new ArgumentException($"A {rows}×{cols} weight needs {rows * cols} floats; got {weight.Length}.", nameof(weight));
        // Draw in row-major order (PyTorch's order), then view as the tall p×q matrix M.
        var g = new double[rows * cols];
        for (int i = 0; i < g.Length; i++) g[i] = rng.NextGaussian();
        bool transpose = rows < cols;
        int p = transpose ? cols : rows, q = transpose ? rows : cols;
        // Column j of M as a contiguous vector (columns are what Gram–Schmidt works on).
        var qcols = new double[q * p];
        for (int j = 0; j < q; j++)
        for (int i = 0; i < p; i++)
            qcols[j * p + i] = transpose ? g[j * cols + i] : g[i * cols + j];

        // Modified Gram–Schmidt, each projection applied twice ("twice is enough", Giraud et al. 2005), in double.
        // It yields the Q whose R has a positive diagonal, which is exactly Householder's Q times sign(diag R).
        for (int j = 0; j < q; j++)
        {
            Span<double> v = qcols.AsSpan(j * p, p);
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i < j; i++)
                {
                    ReadOnlySpan<double> u = qcols.AsSpan(i * p, p);
                    double dot = 0;
                    for (int t = 0; t < p; t++) dot += u[t] * v[t];
                    for (int t = 0; t < p; t++) v[t] -= dot * u[t];
                }
            }
            double norm = 0;
            for (int t = 0; t < p; t++) norm += v[t] * v[t];
            norm = Math.Sqrt(norm);
            // A Gaussian matrix is rank-deficient with probability zero; guard anyway rather than divide by zero.
            if (norm < 1e-300) throw new InvalidOperationException("Orthogonal init drew a degenerate matrix; use another seed.");
            for (int t = 0; t < p; t++) v[t] /= norm;
        }

        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
        {
            // Q is p×q with Q[i, j] = qcols[j·p + i]; W = Q (rows ≥ cols) or Qᵀ (rows < cols).
            double value = transpose ? qcols[r * p + c] : qcols[c * p + r];
            weight[r * cols + c] = (float)(gain * value);
        }
    }
}
