using System.Numerics;
using System.Numerics.Tensors;

namespace TrpoEdge.Trainer.Engine;

/// <summary>The elementwise parts of <see cref="IComputeBackend"/>, shared by the CPU backends (they are memory
/// bound, so a BLAS has nothing to add).</summary>
internal static class Elementwise
{
    public static void BroadcastRows(ReadOnlySpan<float> row, int rows, Span<float> c)
    {
        int cols = row.Length;
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "The row count must be zero or more.");
        if (c.Length < (long)rows * cols)
            throw new ArgumentException($"The target holds {c.Length} floats but {rows} rows of {cols} need {(long)rows * cols}.", nameof(c));
        if (cols == 1)
        {
            c[..rows].Fill(row[0]);
            return;
        }
        for (int i = 0; i < rows; i++) row.CopyTo(c.Slice(i * cols, cols));
    }

    public static void Activate(Activation activation, Span<float> x)
    {
        switch (activation)
        {
            case Activation.Tanh:
                TensorPrimitives.Tanh(x, x);
                break;
            case Activation.Relu:
                TensorPrimitives.Max(x, 0f, x);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Known activations: Tanh, Relu.");
        }
    }

    public static void MultiplyByDerivative(Activation activation, ReadOnlySpan<float> y, Span<float> d)
    {
        if (y.Length != d.Length)
            throw new ArgumentException($"Activation output ({y.Length} floats) and gradient ({d.Length} floats) must have the same length.", nameof(d));
        int i = 0;
        int w = Vector<float>.Count;
        switch (activation)
        {
            case Activation.Tanh:
                // tanh′(z) = 1 − tanh²(z) = 1 − y².
                for (; i <= d.Length - w; i += w)
                {
                    var vy = new Vector<float>(y[i..]);
                    var vd = new Vector<float>(d[i..]);
                    (vd - vd * vy * vy).CopyTo(d[i..]);
                }
                for (; i < d.Length; i++) d[i] -= d[i] * y[i] * y[i];
                break;
            case Activation.Relu:
                // relu′(z) = [z > 0] = [y > 0] (the subgradient at 0 is taken as 0, as PyTorch does).
                for (; i <= d.Length - w; i += w)
                {
                    var vy = new Vector<float>(y[i..]);
                    var vd = new Vector<float>(d[i..]);
                    Vector.ConditionalSelect(Vector.GreaterThan(vy, Vector<float>.Zero), vd, Vector<float>.Zero).CopyTo(d[i..]);
                }
                for (; i < d.Length; i++) d[i] = y[i] > 0f ? d[i] : 0f;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Known activations: Tanh, Relu.");
        }
    }

    public static void SumRows(ReadOnlySpan<float> a, int rows, int cols, Span<float> sums)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"rows = {rows}, cols = {cols}: both must be zero or more.");
        if (a.Length < (long)rows * cols)
            throw new ArgumentException($"The matrix holds {a.Length} floats but {rows}×{cols} need {(long)rows * cols}.", nameof(a));
        if (sums.Length < cols)
            throw new ArgumentException($"The sums span holds {sums.Length} floats but there are {cols} columns.", nameof(sums));
        if (cols == 1)
        {
            sums[0] = TensorPrimitives.Sum(a[..rows]);
            return;
        }
        Span<float> s = sums[..cols];
        s.Clear();
        for (int i = 0; i < rows; i++) TensorPrimitives.Add(s, a.Slice(i * cols, cols), s);
    }
}
