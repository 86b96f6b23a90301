using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TrpoEdge.Trainer.Engine;

/// <summary>AVX2+FMA micro-kernels (16 ymm registers: 6×16 tile = 12 accumulators + 2 B vectors + 1 broadcast).
/// Fully unrolled register-blocked micro-kernels: each keeps the whole C tile in vector registers, reads one packed
/// row of B (NR floats) and broadcasts MR packed values of A per step of k. Panels come from <see cref="PackedGemm"/>.</summary>
internal static unsafe class MicroKernels256
{
    public const int MR = 6;
    public const int MRSmall = 2;
    public const int NR = 16;

    /// <summary>6×16 tile: C[0..6, 0..16] = alpha·(Apanel·Bpanel) + beta·C over kc steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel6x16(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        var c0_0 = Vector256<float>.Zero; var c0_1 = Vector256<float>.Zero;
        var c1_0 = Vector256<float>.Zero; var c1_1 = Vector256<float>.Zero;
        var c2_0 = Vector256<float>.Zero; var c2_1 = Vector256<float>.Zero;
        var c3_0 = Vector256<float>.Zero; var c3_1 = Vector256<float>.Zero;
        var c4_0 = Vector256<float>.Zero; var c4_1 = Vector256<float>.Zero;
        var c5_0 = Vector256<float>.Zero; var c5_1 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c0_0 = Fma.MultiplyAdd(a0, b0, c0_0);
            c0_1 = Fma.MultiplyAdd(a0, b1, c0_1);
            var a1 = Vector256.Create(a[1]);
            c1_0 = Fma.MultiplyAdd(a1, b0, c1_0);
            c1_1 = Fma.MultiplyAdd(a1, b1, c1_1);
            var a2 = Vector256.Create(a[2]);
            c2_0 = Fma.MultiplyAdd(a2, b0, c2_0);
            c2_1 = Fma.MultiplyAdd(a2, b1, c2_1);
            var a3 = Vector256.Create(a[3]);
            c3_0 = Fma.MultiplyAdd(a3, b0, c3_0);
            c3_1 = Fma.MultiplyAdd(a3, b1, c3_1);
            var a4 = Vector256.Create(a[4]);
            c4_0 = Fma.MultiplyAdd(a4, b0, c4_0);
            c4_1 = Fma.MultiplyAdd(a4, b1, c4_1);
            var a5 = Vector256.Create(a[5]);
            c5_0 = Fma.MultiplyAdd(a5, b0, c5_0);
            c5_1 = Fma.MultiplyAdd(a5, b1, c5_1);
            a += 6;
            b += 16;
        }
        var va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            // beta = 0 must not read C: BLAS semantics let C hold garbage (even NaN) then.
            Vector256.Store(c0_0 * va, c + 0 * ldc + 0);
            Vector256.Store(c0_1 * va, c + 0 * ldc + 8);
            Vector256.Store(c1_0 * va, c + 1 * ldc + 0);
            Vector256.Store(c1_1 * va, c + 1 * ldc + 8);
            Vector256.Store(c2_0 * va, c + 2 * ldc + 0);
            Vector256.Store(c2_1 * va, c + 2 * ldc + 8);
            Vector256.Store(c3_0 * va, c + 3 * ldc + 0);
            Vector256.Store(c3_1 * va, c + 3 * ldc + 8);
            Vector256.Store(c4_0 * va, c + 4 * ldc + 0);
            Vector256.Store(c4_1 * va, c + 4 * ldc + 8);
            Vector256.Store(c5_0 * va, c + 5 * ldc + 0);
            Vector256.Store(c5_1 * va, c + 5 * ldc + 8);
        }
        else
        {
            var vb = Vector256.Create(beta);
            Vector256.Store(Fma.MultiplyAdd(c0_0, va, Vector256.Load(c + 0 * ldc + 0) * vb), c + 0 * ldc + 0);
            Vector256.Store(Fma.MultiplyAdd(c0_1, va, Vector256.Load(c + 0 * ldc + 8) * vb), c + 0 * ldc + 8);
            Vector256.Store(Fma.MultiplyAdd(c1_0, va, Vector256.Load(c + 1 * ldc + 0) * vb), c + 1 * ldc + 0);
            Vector256.Store(Fma.MultiplyAdd(c1_1, va, Vector256.Load(c + 1 * ldc + 8) * vb), c + 1 * ldc + 8);
            Vector256.Store(Fma.MultiplyAdd(c2_0, va, Vector256.Load(c + 2 * ldc + 0) * vb), c + 2 * ldc + 0);
            Vector256.Store(Fma.MultiplyAdd(c2_1, va, Vector256.Load(c + 2 * ldc + 8) * vb), c + 2 * ldc + 8);
            Vector256.Store(Fma.MultiplyAdd(c3_0, va, Vector256.Load(c + 3 * ldc + 0) * vb), c + 3 * ldc + 0);
            Vector256.Store(Fma.MultiplyAdd(c3_1, va, Vector256.Load(c + 3 * ldc + 8) * vb), c + 3 * ldc + 8);
            Vector256.Store(Fma.MultiplyAdd(c4_0, va, Vector256.Load(c + 4 * ldc + 0) * vb), c + 4 * ldc + 0);
            Vector256.Store(Fma.MultiplyAdd(c4_1, va, Vector256.Load(c + 4 * ldc + 8) * vb), c + 4 * ldc + 8);
            Vector256.Store(Fma.MultiplyAdd(c5_0, va, Vector256.Load(c + 5 * ldc + 0) * vb), c + 5 * ldc + 0);
            Vector256.Store(Fma.MultiplyAdd(c5_1, va, Vector256.Load(c + 5 * ldc + 8) * vb), c + 5 * ldc + 8);
        }
    }

    /// <summary>2×16 tile: C[0..2, 0..16] = alpha·(Apanel·Bpanel) + beta·C over kc steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel2x16(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        var c0_0 = Vector256<float>.Zero; var c0_1 = Vector256<float>.Zero;
        var c1_0 = Vector256<float>.Zero; var c1_1 = Vector256<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c0_0 = Fma.MultiplyAdd(a0, b0, c0_0);
            c0_1 = Fma.MultiplyAdd(a0, b1, c0_1);
            var a1 = Vector256.Create(a[1]);
            c1_0 = Fma.MultiplyAdd(a1, b0, c1_0);
            c1_1 = Fma.MultiplyAdd(a1, b1, c1_1);
            a += 2;
            b += 16;
        }
        var va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            // beta = 0 must not read C: BLAS semantics let C hold garbage (even NaN) then.
            Vector256.Store(c0_0 * va, c + 0 * ldc + 0);
            Vector256.Store(c0_1 * va, c + 0 * ldc + 8);
            Vector256.Store(c1_0 * va, c + 1 * ldc + 0);
            Vector256.Store(c1_1 * va, c + 1 * ldc + 8);
        }
        else
        {
            var vb = Vector256.Create(beta);
            Vector256.Store(Fma.MultiplyAdd(c0_0, va, Vector256.Load(c + 0 * ldc + 0) * vb), c + 0 * ldc + 0);
            Vector256.Store(Fma.MultiplyAdd(c0_1, va, Vector256.Load(c + 0 * ldc + 8) * vb), c + 0 * ldc + 8);
            Vector256.Store(Fma.MultiplyAdd(c1_0, va, Vector256.Load(c + 1 * ldc + 0) * vb), c + 1 * ldc + 0);
            Vector256.Store(Fma.MultiplyAdd(c1_1, va, Vector256.Load(c + 1 * ldc + 8) * vb), c + 1 * ldc + 8);
        }
    }
}
