namespace TrpoEdge.Trainer.Engine;

/// <summary>Which of <see cref="ManagedBackend"/>'s code paths computes a (part of a) GEMM.</summary>
internal enum GemmPath
{
    /// <summary>Packed panels and the 12×32 AVX-512 micro-kernel.</summary>
    Packed512,

    /// <summary>Packed panels and the 6×16 AVX2 micro-kernel.</summary>
    Packed256,

    /// <summary>One vectorised dot product per output: A·Bᵀ with very few columns (a value or policy head).</summary>
    Dot,

    /// <summary>Each row of C as a sum of rows of B scaled by A's entries (512-bit): products with 1–4 rows such as
    /// a head's weight gradient δᵀ·h, where a 12-row tile would be mostly padding.</summary>
    RowAxpy512,

    /// <summary>As <see cref="RowAxpy512"/> on 256-bit vectors.</summary>
    RowAxpy256,

    /// <summary>op(A) = Aᵀ stored k×m, B k×n with 1–8 columns (the input layer's weight gradient δᵀ·x): 64 rows of C
    /// on the lanes of four 512-bit registers, two columns at a time.</summary>
    ColAxpy512,

    /// <summary>Plain loops, for CPUs without AVX2.</summary>
    Scalar,
}
