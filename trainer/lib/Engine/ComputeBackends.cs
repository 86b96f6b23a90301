using System.Runtime.Intrinsics.X86;

namespace TrpoEdge.Trainer.Engine;

/// <summary>Shared backend instances and the default choice.</summary>
public static class ComputeBackends
{
    private static readonly Lazy<ManagedBackend> s_managed = new(() => new ManagedBackend());
    private static readonly Lazy<IComputeBackend> s_default = new(ChooseDefault);

    /// <summary>The managed backend with the widest instruction set and two threads.</summary>
    public static ManagedBackend Managed => s_managed.Value;

    /// <summary>What an <see cref="Mlp"/> uses when given no backend: the managed backend whenever the CPU has AVX2+FMA
    /// or AVX-512, else OpenBLAS if installed, else the managed scalar code.
    ///
    /// Why (<c>dotnet run -c Release --project bench -- gemm</c>, managed vs Debian's OpenBLAS 0.3.21 in the same run,
    /// geometric mean over the 31 MLP shapes): on the 2-core AMD EPYC (Zen 5, AVX-512) dev machine OpenBLAS picks its
    /// Haswell kernels and the managed GEMM is 1.15× OpenBLAS on one thread (130 vs 107 GFLOP/s at 2048×64×64);
    /// on a quiet Intel Xeon restricted to 2 cores OpenBLAS falls back to its Prescott (SSE3) kernels and managed is
    /// 2.2× (one thread) and 2.5× (two threads; 158 vs 50 GFLOP/s at 2048×64×64). Mlp [64, 64] tanh, batch 2048, on
    /// the Xeon: forward 3.7 M samples/s vs 2.6, backward 3.0 vs 2.0, JVP 3.3 vs 1.7. The managed backend also needs
    /// no native library. OpenBLAS stays available (<see cref="OpenBlasBackend"/>) as a baseline and for CPUs without
    /// AVX2, where the managed code is scalar.</summary>
    public static IComputeBackend Default => s_default.Value;

    private static IComputeBackend ChooseDefault()
    {
        if (Avx512F.IsSupported || (Avx2.IsSupported && Fma.IsSupported)) return Managed;
        return OpenBlasBackend.TryCreate(out _) ?? (IComputeBackend)Managed;
    }
}
