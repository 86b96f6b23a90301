using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TrpoEdge.Trainer.Engine;

/// <summary>One validated, pinned GEMM: C = alpha·op(A)·op(B) + beta·C, row-major. With <see cref="TransC"/> the
/// logical element C(i, j) lives at C[j·ldc + i]: that is how a problem with very few columns is turned into its
/// transpose Cᵀ = op(B)ᵀ·op(A)ᵀ, so that the wide dimension lands on the micro-kernel's vector lanes.</summary>
internal unsafe struct GemmProblem
{
    public bool TransA;
    public bool TransB;
    public bool TransC;
    public int M;
    public int N;
    public int K;
    public float Alpha;
    public float Beta;
    public float* A;
    public int Lda;
    public float* B;
    public int Ldb;
    public float* C;
    public int Ldc;

    /// <summary>The same product stated as Cᵀ = op(B)ᵀ·op(A)ᵀ (m and n swap, A and B swap, every flag flips).</summary>
    public readonly GemmProblem Transposed() => new()
    {
        TransA = !TransB,
        TransB = !TransA,
        TransC = !TransC,
        M = N,
        N = M,
        K = K,
        Alpha = Alpha,
        Beta = Beta,
        A = B,
        Lda = Ldb,
        B = A,
        Ldb = Lda,
        C = C,
        Ldc = Ldc,
    };

    /// <summary>Computes the block of C with rows [m0, m1) and columns [n0, n1) on the given path. Disjoint blocks
    /// may run on different threads at once (each thread packs into its own scratch).</summary>
    public readonly void Run(GemmPath path, int m0, int m1, int n0, int n1)
    {
        switch (path)
        {
            case GemmPath.Packed512:
            case GemmPath.Packed256:
                PackedGemm.Run(in this, path == GemmPath.Packed512, m0, m1, n0, n1);
                break;
            case GemmPath.Dot:
                RunDot(m0, m1, n0, n1);
                break;
            case GemmPath.ColAxpy512:
                RunColAxpy(m0, m1, n0, n1);
                break;
            case GemmPath.RowAxpy512:
            case GemmPath.RowAxpy256:
                RunRowAxpy(path == GemmPath.RowAxpy512, m0, m1, n0, n1);
                break;
            default:
                RunScalar(m0, m1, n0, n1);
                break;
        }
    }

    /// <summary>A·Bᵀ with both operands contiguous along k: each output is one dot product. Used for heads with
    /// 1–4 outputs, where a 32-wide micro-kernel would waste nearly all its lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void RunDot(int m0, int m1, int n0, int n1)
    {
        for (int i = m0; i < m1; i++)
        {
            float* rowA = A + (long)i * Lda;
            float* rowC = C + (long)i * Ldc;
            for (int j = n0; j < n1; j++)
            {
                float v = Alpha * Dot(rowA, B + (long)j * Ldb, K);
                rowC[j] = Beta == 0f ? v : v + Beta * rowC[j];
            }
        }
    }

    /// <summary>C[i, :] = alpha·Σ_p op(A)[i, p]·B[p, :] + beta·C[i, :] for B not transposed (rows contiguous), 64
    /// (or 32) columns at a time in four vector accumulators; B streams from cache once per row of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void RunRowAxpy(bool wide, int m0, int m1, int n0, int n1)
    {
        for (int i = m0; i < m1; i++)
        {
            float* a = TransA ? A + i : A + (long)i * Lda;
            long aStride = TransA ? Lda : 1;
            float* rowC = C + (long)i * Ldc;
            int j = n0;
            if (wide)
            {
                for (; j <= n1 - 64; j += 64)
                {
                    Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
                    float* b = B + j;
                    for (int p = 0; p < K; p++, b += Ldb)
                    {
                        var s = Vector512.Create(a[p * aStride]);
                        c0 = Avx512F.FusedMultiplyAdd(s, Vector512.Load(b), c0);
                        c1 = Avx512F.FusedMultiplyAdd(s, Vector512.Load(b + 16), c1);
                        c2 = Avx512F.FusedMultiplyAdd(s, Vector512.Load(b + 32), c2);
                        c3 = Avx512F.FusedMultiplyAdd(s, Vector512.Load(b + 48), c3);
                    }
                    StoreScaled(c0, rowC + j);
                    StoreScaled(c1, rowC + j + 16);
                    StoreScaled(c2, rowC + j + 32);
                    StoreScaled(c3, rowC + j + 48);
                }
            }
            else
            {
                for (; j <= n1 - 32; j += 32)
                {
                    Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
                    float* b = B + j;
                    for (int p = 0; p < K; p++, b += Ldb)
                    {
                        var s = Vector256.Create(a[p * aStride]);
                        c0 = Fma.MultiplyAdd(s, Vector256.Load(b), c0);
                        c1 = Fma.MultiplyAdd(s, Vector256.Load(b + 8), c1);
                        c2 = Fma.MultiplyAdd(s, Vector256.Load(b + 16), c2);
                        c3 = Fma.MultiplyAdd(s, Vector256.Load(b + 24), c3);
                    }
                    StoreScaled(c0, rowC + j);
                    StoreScaled(c1, rowC + j + 8);
                    StoreScaled(c2, rowC + j + 16);
                    StoreScaled(c3, rowC + j + 24);
                }
            }
            for (; j < n1; j++)
            {
                float sum = 0f;
                float* b = B + j;
                for (int p = 0; p < K; p++, b += Ldb) sum += a[p * aStride] * *b;
                float v = Alpha * sum;
                rowC[j] = Beta == 0f ? v : v + Beta * rowC[j];
            }
        }
    }

    /// <summary>C[i, j] = alpha·Σ_p A[p, i]·B[p, j] + beta·C[i, j] with A stored k×m (transposed) and few columns:
    /// each step of p loads 64 consecutive i of A's row p once and uses them for two columns of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void RunColAxpy(int m0, int m1, int n0, int n1)
    {
        float* tile = stackalloc float[2 * 64];
        int i = m0;
        for (; i <= m1 - 64; i += 64)
        {
            for (int j = n0; j < n1; j += 2)
            {
                bool pair = j + 1 < n1;
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
                float* ap = A + i;
                float* bp = B + j;
                for (int p = 0; p < K; p++, ap += Lda, bp += Ldb)
                {
                    var x0 = Vector512.Load(ap);
                    var x1 = Vector512.Load(ap + 16);
                    var x2 = Vector512.Load(ap + 32);
                    var x3 = Vector512.Load(ap + 48);
                    var s = Vector512.Create(bp[0]);
                    a0 = Avx512F.FusedMultiplyAdd(x0, s, a0);
                    a1 = Avx512F.FusedMultiplyAdd(x1, s, a1);
                    a2 = Avx512F.FusedMultiplyAdd(x2, s, a2);
                    a3 = Avx512F.FusedMultiplyAdd(x3, s, a3);
                    if (pair)
                    {
                        var t = Vector512.Create(bp[1]);
                        b0 = Avx512F.FusedMultiplyAdd(x0, t, b0);
                        b1 = Avx512F.FusedMultiplyAdd(x1, t, b1);
                        b2 = Avx512F.FusedMultiplyAdd(x2, t, b2);
                        b3 = Avx512F.FusedMultiplyAdd(x3, t, b3);
                    }
                }
                Vector512.Store(a0, tile);
                Vector512.Store(a1, tile + 16);
                Vector512.Store(a2, tile + 32);
                Vector512.Store(a3, tile + 48);
                Vector512.Store(b0, tile + 64);
                Vector512.Store(b1, tile + 80);
                Vector512.Store(b2, tile + 96);
                Vector512.Store(b3, tile + 112);
                for (int c = 0; c < (pair ? 2 : 1); c++)
                {
                    for (int r = 0; r < 64; r++)
                    {
                        float* dst = C + (long)(i + r) * Ldc + j + c;
                        float v = Alpha * tile[c * 64 + r];
                        *dst = Beta == 0f ? v : v + Beta * *dst;
                    }
                }
            }
        }
        if (i < m1) RunScalar(i, m1, n0, n1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void StoreScaled(Vector512<float> acc, float* dst)
    {
        var v = acc * Vector512.Create(Alpha);
        if (Beta != 0f) v += Vector512.Load(dst) * Vector512.Create(Beta);
        Vector512.Store(v, dst);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void StoreScaled(Vector256<float> acc, float* dst)
    {
        var v = acc * Vector256.Create(Alpha);
        if (Beta != 0f) v += Vector256.Load(dst) * Vector256.Create(Beta);
        Vector256.Store(v, dst);
    }

    /// <summary>Own dot product rather than TensorPrimitives.Dot: it is compiled optimised from the first call
    /// (TensorPrimitives' generic code runs unoptimised until tiering promotes it) and has no per-call dispatch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(float* a, float* b, int k)
    {
        int p = 0;
        float sum;
        if (Vector512.IsHardwareAccelerated && k >= 32)
        {
            var s0 = Vector512<float>.Zero;
            var s1 = Vector512<float>.Zero;
            for (; p <= k - 32; p += 32)
            {
                s0 += Vector512.Load(a + p) * Vector512.Load(b + p);
                s1 += Vector512.Load(a + p + 16) * Vector512.Load(b + p + 16);
            }
            sum = Vector512.Sum(s0 + s1);
        }
        else if (Vector256.IsHardwareAccelerated && k >= 16)
        {
            var s0 = Vector256<float>.Zero;
            var s1 = Vector256<float>.Zero;
            for (; p <= k - 16; p += 16)
            {
                s0 += Vector256.Load(a + p) * Vector256.Load(b + p);
                s1 += Vector256.Load(a + p + 8) * Vector256.Load(b + p + 8);
            }
            sum = Vector256.Sum(s0 + s1);
        }
        else
        {
            sum = 0f;
        }
        for (; p < k; p++) sum += a[p] * b[p];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private readonly void RunScalar(int m0, int m1, int n0, int n1)
    {
        for (int i = m0; i < m1; i++)
        {
            for (int j = n0; j < n1; j++)
            {
                float sum = 0f;
                for (int p = 0; p < K; p++)
                {
                    float av = TransA ? A[(long)p * Lda + i] : A[(long)i * Lda + p];
                    float bv = TransB ? B[(long)j * Ldb + p] : B[(long)p * Ldb + j];
                    sum += av * bv;
                }
                float* dst = TransC ? C + (long)j * Ldc + i : C + (long)i * Ldc + j;
                float v = Alpha * sum;
                *dst = Beta == 0f ? v : v + Beta * *dst;
            }
        }
    }
}
