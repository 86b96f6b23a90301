namespace TrpoEdge.Trainer.Engine;

/// <summary>Which instruction set <see cref="ManagedBackend"/> runs its GEMM micro-kernels on.</summary>
public enum ManagedIsa
{
    /// <summary>The widest the CPU supports: AVX-512F, else AVX2+FMA, else portable scalar code.</summary>
    Auto,

    /// <summary>12×32 micro-kernel on 512-bit registers (requires AVX-512F).</summary>
    Avx512,

    /// <summary>6×16 micro-kernel on 256-bit registers (requires AVX2 and FMA).</summary>
    Avx2,

    /// <summary>Plain loops; any CPU. Slow, but gives the same answers.</summary>
    Scalar,
}
