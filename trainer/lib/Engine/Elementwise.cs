using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace TrpoEdge.Trainer.Engine;

/// <summary>The elementwise parts of <see cref="IComputeBackend"/>, shared by the CPU backends (they are memory
/// bound, so a BLAS has nothing to add).</summary>
internal static class Elementwise
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                TanhInPlace(x);
                break;
            case Activation.Relu:
                TensorPrimitives.Max(x, 0f, x);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Known activations: Tanh, Relu.");
        }
    }

    /// <summary>tanh, vectorised and compiled optimised from the first call (TensorPrimitives.Tanh runs ~10× slower
    /// until tiered compilation promotes it, which on a busy machine spans the first training updates). The method of
    /// Cephes' tanhf (S. Moshier): a polynomial below |x| = 0.625, where 1 − 2/(e^{2|x|} + 1) would cancel, that
    /// formula above. Within a few float ulps of the exact value (tested against Math.Tanh).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhInPlace(Span<float> x)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 16; i += 16)
                TanhVector(Vector512.Create(x.Slice(i, 16))).CopyTo(x.Slice(i, 16));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 8; i += 8)
                TanhVector(Vector256.Create(x.Slice(i, 8))).CopyTo(x.Slice(i, 8));
        }
        for (; i < x.Length; i++) x[i] = MathF.Tanh(x[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TanhVector(Vector512<float> v)
    {
        var ax = Vector512.Abs(v);
        // |x| ≥ 0.625: 1 − 2/(e^{2|x|} + 1), sign restored; |x| clamped to 10, where tanh is 1 in float.
        var e = Vector512.Exp(Vector512.Min(ax, Vector512.Create(10f)) * Vector512.Create(2f));
        var big = Vector512<float>.One - Vector512.Create(2f) / (e + Vector512<float>.One);
        big = Vector512.ConditionalSelect(Vector512.LessThan(v, Vector512<float>.Zero), -big, big);
        // |x| < 0.625: Cephes tanhf's odd polynomial x + x·z·P(z), z = x².
        var z = v * v;
        var p = Vector512.Create(-5.70498872745e-3f);
        p = p * z + Vector512.Create(2.06390887954e-2f);
        p = p * z - Vector512.Create(5.37397155531e-2f);
        p = p * z + Vector512.Create(1.33314422036e-1f);
        p = p * z - Vector512.Create(3.33332819422e-1f);
        var small = p * z * v + v;
        var result = Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(0.625f)), small, big);
        // NaN must stay NaN (the clamp would turn it into ±1 and hide a diverged network).
        return Vector512.ConditionalSelect(Vector512.Equals(v, v), result, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TanhVector(Vector256<float> v)
    {
        var ax = Vector256.Abs(v);
        // |x| ≥ 0.625: 1 − 2/(e^{2|x|} + 1), sign restored; |x| clamped to 10, where tanh is 1 in float.
        var e = Vector256.Exp(Vector256.Min(ax, Vector256.Create(10f)) * Vector256.Create(2f));
        var big = Vector256<float>.One - Vector256.Create(2f) / (e + Vector256<float>.One);
        big = Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), -big, big);
        // |x| < 0.625: Cephes tanhf's odd polynomial x + x·z·P(z), z = x².
        var z = v * v;
        var p = Vector256.Create(-5.70498872745e-3f);
        p = p * z + Vector256.Create(2.06390887954e-2f);
        p = p * z - Vector256.Create(5.37397155531e-2f);
        p = p * z + Vector256.Create(1.33314422036e-1f);
        p = p * z - Vector256.Create(3.33332819422e-1f);
        var small = p * z * v + v;
        var result = Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(0.625f)), small, big);
        // NaN must stay NaN (the clamp would turn it into ±1 and hide a diverged network).
        return Vector256.ConditionalSelect(Vector256.Equals(v, v), result, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
