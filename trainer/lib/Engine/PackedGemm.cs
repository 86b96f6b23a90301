using System.Runtime.CompilerServices;
namespace TrpoEdge.Trainer.Engine;

/// <summary>The GotoBLAS/BLIS loop nest around the micro-kernels: B is packed into k×NR column panels (a block
/// that stays in L2 and whose current panel stays in L1), A into MR×k row panels; both panels are zero-padded so
/// the micro-kernel always runs full tiles and only the final write to C handles ragged edges.</summary>
/// Loop-heavy methods here are compiled fully optimised at once (AggressiveOptimization): under tiered compilation
/// they would first run unoptimised for the 100+ ms it takes the runtime to promote them, which on a busy machine
/// measured 10× slower for the first training updates.
internal static unsafe class PackedGemm
{
    /// <summary>k block. A 256×32 B panel (32 KiB) and a 256×12 A panel (12 KiB) fit a 48 KiB L1 together.</summary>
    public const int KC = 256;

    /// <summary>m block: a multiple of both kernels' MR (12 and 6) and of their small MR (4 and 2).</summary>
    public const int MC = 120;

    /// <summary>n block: the packed B block is KC×NC floats (512 KiB), within a 1 MiB L2.</summary>
    public const int NC = 512;

    private const int MaxNR = MicroKernels512.NR;
    private const int Align = 16; // floats: 64-byte alignment for packed panels.

    // Per-thread scratch, pinned once and reused: the two GEMM threads pack concurrently without sharing.
    [ThreadStatic] private static float[]? t_scratch;

    private static float* Scratch(out float* packB, out float* tile)
    {
        const int packASize = MC * KC;
        const int packBSize = KC * NC;
        const int tileSize = MicroKernels512.MR * MaxNR;
        t_scratch ??= GC.AllocateUninitializedArray<float>(packASize + packBSize + tileSize + 3 * Align, pinned: true);
        fixed (float* raw = t_scratch)
        {
            // The array is on the pinned object heap, so the pointer stays valid after the fixed block.
            float* basePtr = (float*)(((nint)raw + (Align * 4 - 1)) & ~(nint)(Align * 4 - 1));
            packB = basePtr + packASize + Align;
            tile = packB + packBSize + Align;
            return basePtr;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in GemmProblem p, bool avx512, int m0, int m1, int n0, int n1)
    {
        int mr = avx512 ? MicroKernels512.MR : MicroKernels256.MR;
        int mrSmall = avx512 ? MicroKernels512.MRSmall : MicroKernels256.MRSmall;
        int nr = avx512 ? MicroKernels512.NR : MicroKernels256.NR;
        float* packA = Scratch(out float* packB, out float* tile);

        for (int jc = n0; jc < n1; jc += NC)
        {
            int nc = Math.Min(NC, n1 - jc);
            for (int pc = 0; pc < p.K; pc += KC)
            {
                int kc = Math.Min(KC, p.K - pc);
                // Blocks of k after the first accumulate onto what the first wrote.
                float beta = pc == 0 ? p.Beta : 1f;
                PackB(in p, pc, kc, jc, nc, nr, packB);
                for (int ic = m0; ic < m1; ic += MC)
                {
                    int mc = Math.Min(MC, m1 - ic);
                    PackA(in p, ic, mc, pc, kc, mr, mrSmall, packA);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nCols = Math.Min(nr, nc - jr);
                        float* bp = packB + (long)jr * kc;
                        float* ap = packA;
                        for (int ir = 0; ir < mc;)
                        {
                            int rows = mc - ir >= mr ? mr : mrSmall;
                            int mRows = Math.Min(rows, mc - ir);
                            int ci = ic + ir, cj = jc + jr;
                            if (!p.TransC && mRows == rows && nCols == nr)
                            {
                                Kernel(avx512, rows == mr, kc, ap, bp, p.C + (long)ci * p.Ldc + cj, p.Ldc, p.Alpha, beta);
                            }
                            else
                            {
                                Kernel(avx512, rows == mr, kc, ap, bp, tile, nr, 1f, 0f);
                                WriteTile(in p, tile, nr, ci, cj, mRows, nCols, beta);
                            }
                            ap += (long)rows * kc;
                            ir += rows;
                        }
                    }
                }
            }
        }
    }

    private static void Kernel(bool avx512, bool full, int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        if (avx512)
        {
            if (full) MicroKernels512.Kernel12x32(kc, a, b, c, ldc, alpha, beta);
            else MicroKernels512.Kernel4x32(kc, a, b, c, ldc, alpha, beta);
        }
        else
        {
            if (full) MicroKernels256.Kernel6x16(kc, a, b, c, ldc, alpha, beta);
            else MicroKernels256.Kernel2x16(kc, a, b, c, ldc, alpha, beta);
        }
    }

    /// <summary>Ragged or transposed tiles: the kernel wrote alpha = 1, beta = 0 into a scratch tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteTile(in GemmProblem p, float* tile, int ldt, int ci, int cj, int rows, int cols, float beta)
    {
        float alpha = p.Alpha;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                float v = alpha * tile[r * ldt + c];
                float* dst = p.TransC ? p.C + (long)(cj + c) * p.Ldc + (ci + r) : p.C + (long)(ci + r) * p.Ldc + (cj + c);
                *dst = beta == 0f ? v : v + beta * *dst;
            }
        }
    }

    /// <summary>Rows [ic, ic+mc) × k [pc, pc+kc) of op(A) into panels of mr rows (the last ones of mrSmall rows),
    /// laid out k-major: panel[kk·rows + r]. Missing rows are zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(in GemmProblem p, int ic, int mc, int pc, int kc, int mr, int mrSmall, float* dst)
    {
        for (int ir = 0; ir < mc;)
        {
            int rows = mc - ir >= mr ? mr : mrSmall;
            int valid = Math.Min(rows, mc - ir);
            int i0 = ic + ir;
            if (!p.TransA)
            {
                for (int r = 0; r < valid; r++)
                {
                    float* src = p.A + (long)(i0 + r) * p.Lda + pc;
                    for (int kk = 0; kk < kc; kk++) dst[kk * rows + r] = src[kk];
                }
                for (int r = valid; r < rows; r++)
                    for (int kk = 0; kk < kc; kk++) dst[kk * rows + r] = 0f;
            }
            else
            {
                for (int kk = 0; kk < kc; kk++)
                {
                    float* src = p.A + (long)(pc + kk) * p.Lda + i0;
                    float* d = dst + kk * rows;
                    for (int r = 0; r < valid; r++) d[r] = src[r];
                    for (int r = valid; r < rows; r++) d[r] = 0f;
                }
            }
            dst += (long)rows * kc;
            ir += rows;
        }
    }

    /// <summary>k [pc, pc+kc) × columns [jc, jc+nc) of op(B) into panels of nr columns, laid out k-major:
    /// panel[kk·nr + c]. Missing columns are zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(in GemmProblem p, int pc, int kc, int jc, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int valid = Math.Min(nr, nc - jr);
            int j0 = jc + jr;
            if (!p.TransB)
            {
                for (int kk = 0; kk < kc; kk++)
                {
                    float* src = p.B + (long)(pc + kk) * p.Ldb + j0;
                    float* d = dst + kk * nr;
                    if (valid == nr)
                    {
                        new ReadOnlySpan<float>(src, nr).CopyTo(new Span<float>(d, nr));
                    }
                    else
                    {
                        for (int c = 0; c < valid; c++) d[c] = src[c];
                        for (int c = valid; c < nr; c++) d[c] = 0f;
                    }
                }
            }
            else
            {
                for (int c = 0; c < valid; c++)
                {
                    float* src = p.B + (long)(j0 + c) * p.Ldb + pc;
                    for (int kk = 0; kk < kc; kk++) dst[kk * nr + c] = src[kk];
                }
                for (int c = valid; c < nr; c++)
                    for (int kk = 0; kk < kc; kk++) dst[kk * nr + c] = 0f;
            }
            dst += (long)nr * kc;
        }
    }
}
