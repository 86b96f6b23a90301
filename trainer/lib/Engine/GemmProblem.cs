using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
