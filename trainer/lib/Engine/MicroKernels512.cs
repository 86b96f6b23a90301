using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TrpoEdge.Trainer.Engine;

/// <summary>AVX-512F micro-kernels (32 zmm registers: 12×32 tile = 24 accumulators + 2 B vectors + 1 broadcast).
/// Fully unrolled register-blocked micro-kernels: each keeps the whole C tile in vector registers, reads one packed
/// row of B (NR floats) and broadcasts MR packed values of A per step of k. Panels come from <see cref="PackedGemm"/>.</summary>
internal static unsafe class MicroKernels512
{
    public const int MR = 12;
    public const int MRSmall = 4;
    public const int NR = 32;

    /// <summary>12×32 tile: C[0..12, 0..32] = alpha·(Apanel·Bpanel) + beta·C over kc steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel12x32(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        var c0_0 = Vector512<float>.Zero; var c0_1 = Vector512<float>.Zero;
        var c1_0 = Vector512<float>.Zero; var c1_1 = Vector512<float>.Zero;
        var c2_0 = Vector512<float>.Zero; var c2_1 = Vector512<float>.Zero;
        var c3_0 = Vector512<float>.Zero; var c3_1 = Vector512<float>.Zero;
        var c4_0 = Vector512<float>.Zero; var c4_1 = Vector512<float>.Zero;
        var c5_0 = Vector512<float>.Zero; var c5_1 = Vector512<float>.Zero;
        var c6_0 = Vector512<float>.Zero; var c6_1 = Vector512<float>.Zero;
        var c7_0 = Vector512<float>.Zero; var c7_1 = Vector512<float>.Zero;
        var c8_0 = Vector512<float>.Zero; var c8_1 = Vector512<float>.Zero;
        var c9_0 = Vector512<float>.Zero; var c9_1 = Vector512<float>.Zero;
        var c10_0 = Vector512<float>.Zero; var c10_1 = Vector512<float>.Zero;
        var c11_0 = Vector512<float>.Zero; var c11_1 = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Avx512F.FusedMultiplyAdd(a0, b1, c0_1);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1, b0, c1_0);
            c1_1 = Avx512F.FusedMultiplyAdd(a1, b1, c1_1);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2, b0, c2_0);
            c2_1 = Avx512F.FusedMultiplyAdd(a2, b1, c2_1);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3, b0, c3_0);
            c3_1 = Avx512F.FusedMultiplyAdd(a3, b1, c3_1);
            var a4 = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4, b0, c4_0);
            c4_1 = Avx512F.FusedMultiplyAdd(a4, b1, c4_1);
            var a5 = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5, b0, c5_0);
            c5_1 = Avx512F.FusedMultiplyAdd(a5, b1, c5_1);
            var a6 = Vector512.Create(a[6]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6, b0, c6_0);
            c6_1 = Avx512F.FusedMultiplyAdd(a6, b1, c6_1);
            var a7 = Vector512.Create(a[7]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7, b0, c7_0);
            c7_1 = Avx512F.FusedMultiplyAdd(a7, b1, c7_1);
            var a8 = Vector512.Create(a[8]);
            c8_0 = Avx512F.FusedMultiplyAdd(a8, b0, c8_0);
            c8_1 = Avx512F.FusedMultiplyAdd(a8, b1, c8_1);
            var a9 = Vector512.Create(a[9]);
            c9_0 = Avx512F.FusedMultiplyAdd(a9, b0, c9_0);
            c9_1 = Avx512F.FusedMultiplyAdd(a9, b1, c9_1);
            var a10 = Vector512.Create(a[10]);
            c10_0 = Avx512F.FusedMultiplyAdd(a10, b0, c10_0);
            c10_1 = Avx512F.FusedMultiplyAdd(a10, b1, c10_1);
            var a11 = Vector512.Create(a[11]);
            c11_0 = Avx512F.FusedMultiplyAdd(a11, b0, c11_0);
            c11_1 = Avx512F.FusedMultiplyAdd(a11, b1, c11_1);
            a += 12;
            b += 32;
        }
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            // beta = 0 must not read C: BLAS semantics let C hold garbage (even NaN) then.
            Vector512.Store(c0_0 * va, c + 0 * ldc + 0);
            Vector512.Store(c0_1 * va, c + 0 * ldc + 16);
            Vector512.Store(c1_0 * va, c + 1 * ldc + 0);
            Vector512.Store(c1_1 * va, c + 1 * ldc + 16);
            Vector512.Store(c2_0 * va, c + 2 * ldc + 0);
            Vector512.Store(c2_1 * va, c + 2 * ldc + 16);
            Vector512.Store(c3_0 * va, c + 3 * ldc + 0);
            Vector512.Store(c3_1 * va, c + 3 * ldc + 16);
            Vector512.Store(c4_0 * va, c + 4 * ldc + 0);
            Vector512.Store(c4_1 * va, c + 4 * ldc + 16);
            Vector512.Store(c5_0 * va, c + 5 * ldc + 0);
            Vector512.Store(c5_1 * va, c + 5 * ldc + 16);
            Vector512.Store(c6_0 * va, c + 6 * ldc + 0);
            Vector512.Store(c6_1 * va, c + 6 * ldc + 16);
            Vector512.Store(c7_0 * va, c + 7 * ldc + 0);
            Vector512.Store(c7_1 * va, c + 7 * ldc + 16);
            Vector512.Store(c8_0 * va, c + 8 * ldc + 0);
            Vector512.Store(c8_1 * va, c + 8 * ldc + 16);
            Vector512.Store(c9_0 * va, c + 9 * ldc + 0);
            Vector512.Store(c9_1 * va, c + 9 * ldc + 16);
            Vector512.Store(c10_0 * va, c + 10 * ldc + 0);
            Vector512.Store(c10_1 * va, c + 10 * ldc + 16);
            Vector512.Store(c11_0 * va, c + 11 * ldc + 0);
            Vector512.Store(c11_1 * va, c + 11 * ldc + 16);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c0_0, va, Vector512.Load(c + 0 * ldc + 0) * vb), c + 0 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c0_1, va, Vector512.Load(c + 0 * ldc + 16) * vb), c + 0 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c1_0, va, Vector512.Load(c + 1 * ldc + 0) * vb), c + 1 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c1_1, va, Vector512.Load(c + 1 * ldc + 16) * vb), c + 1 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c2_0, va, Vector512.Load(c + 2 * ldc + 0) * vb), c + 2 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c2_1, va, Vector512.Load(c + 2 * ldc + 16) * vb), c + 2 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c3_0, va, Vector512.Load(c + 3 * ldc + 0) * vb), c + 3 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c3_1, va, Vector512.Load(c + 3 * ldc + 16) * vb), c + 3 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c4_0, va, Vector512.Load(c + 4 * ldc + 0) * vb), c + 4 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c4_1, va, Vector512.Load(c + 4 * ldc + 16) * vb), c + 4 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c5_0, va, Vector512.Load(c + 5 * ldc + 0) * vb), c + 5 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c5_1, va, Vector512.Load(c + 5 * ldc + 16) * vb), c + 5 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c6_0, va, Vector512.Load(c + 6 * ldc + 0) * vb), c + 6 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c6_1, va, Vector512.Load(c + 6 * ldc + 16) * vb), c + 6 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c7_0, va, Vector512.Load(c + 7 * ldc + 0) * vb), c + 7 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c7_1, va, Vector512.Load(c + 7 * ldc + 16) * vb), c + 7 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c8_0, va, Vector512.Load(c + 8 * ldc + 0) * vb), c + 8 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c8_1, va, Vector512.Load(c + 8 * ldc + 16) * vb), c + 8 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c9_0, va, Vector512.Load(c + 9 * ldc + 0) * vb), c + 9 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c9_1, va, Vector512.Load(c + 9 * ldc + 16) * vb), c + 9 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c10_0, va, Vector512.Load(c + 10 * ldc + 0) * vb), c + 10 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c10_1, va, Vector512.Load(c + 10 * ldc + 16) * vb), c + 10 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c11_0, va, Vector512.Load(c + 11 * ldc + 0) * vb), c + 11 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c11_1, va, Vector512.Load(c + 11 * ldc + 16) * vb), c + 11 * ldc + 16);
        }
    }

    /// <summary>4×32 tile: C[0..4, 0..32] = alpha·(Apanel·Bpanel) + beta·C over kc steps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel4x32(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        var c0_0 = Vector512<float>.Zero; var c0_1 = Vector512<float>.Zero;
        var c1_0 = Vector512<float>.Zero; var c1_1 = Vector512<float>.Zero;
        var c2_0 = Vector512<float>.Zero; var c2_1 = Vector512<float>.Zero;
        var c3_0 = Vector512<float>.Zero; var c3_1 = Vector512<float>.Zero;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Avx512F.FusedMultiplyAdd(a0, b1, c0_1);
            var a1 = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1, b0, c1_0);
            c1_1 = Avx512F.FusedMultiplyAdd(a1, b1, c1_1);
            var a2 = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2, b0, c2_0);
            c2_1 = Avx512F.FusedMultiplyAdd(a2, b1, c2_1);
            var a3 = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3, b0, c3_0);
            c3_1 = Avx512F.FusedMultiplyAdd(a3, b1, c3_1);
            a += 4;
            b += 32;
        }
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            // beta = 0 must not read C: BLAS semantics let C hold garbage (even NaN) then.
            Vector512.Store(c0_0 * va, c + 0 * ldc + 0);
            Vector512.Store(c0_1 * va, c + 0 * ldc + 16);
            Vector512.Store(c1_0 * va, c + 1 * ldc + 0);
            Vector512.Store(c1_1 * va, c + 1 * ldc + 16);
            Vector512.Store(c2_0 * va, c + 2 * ldc + 0);
            Vector512.Store(c2_1 * va, c + 2 * ldc + 16);
            Vector512.Store(c3_0 * va, c + 3 * ldc + 0);
            Vector512.Store(c3_1 * va, c + 3 * ldc + 16);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c0_0, va, Vector512.Load(c + 0 * ldc + 0) * vb), c + 0 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c0_1, va, Vector512.Load(c + 0 * ldc + 16) * vb), c + 0 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c1_0, va, Vector512.Load(c + 1 * ldc + 0) * vb), c + 1 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c1_1, va, Vector512.Load(c + 1 * ldc + 16) * vb), c + 1 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c2_0, va, Vector512.Load(c + 2 * ldc + 0) * vb), c + 2 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c2_1, va, Vector512.Load(c + 2 * ldc + 16) * vb), c + 2 * ldc + 16);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c3_0, va, Vector512.Load(c + 3 * ldc + 0) * vb), c + 3 * ldc + 0);
            Vector512.Store(Avx512F.FusedMultiplyAdd(c3_1, va, Vector512.Load(c + 3 * ldc + 16) * vb), c + 3 * ldc + 16);
        }
    }
}
