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
    /// Why — <c>dotnet run -c Release --project bench -- gemm</c>, managed vs Debian's OpenBLAS 0.3.21 in the same run,
    /// geometric mean of managed/OpenBLAS GFLOP/s over the 31 MLP shapes (batch 64–4096 × 64 × 64, input, head and
    /// backward shapes), 1 thread / 2 threads:
    ///   AMD EPYC (Zen 5, AVX-512), 2 cores: OpenBLAS picks its Haswell kernels → 1.50 / 1.83
    ///     (2048×64×64: 100 vs 89 GFLOP/s on one thread); forcing OPENBLAS_CORETYPE=SkylakeX → 0.65 / 0.77
    ///     (hidden-layer shapes 0.65–0.86 on one thread; small head shapes 0.2–0.5).
    ///   Intel Xeon (AVX-512), quiet, taskset to 2 cores: OpenBLAS picks Prescott (SSE3) → 2.62 / 3.03;
    ///     forced SkylakeX → 0.69 / 0.96.
    ///   Mlp [64, 64] tanh, batch 2048, Zen 5, managed vs OpenBLAS as shipped: forward 6.6 vs 5.1 M samples/s,
    ///     backward 5.5 vs 3.2, JVP 5.8 vs 3.0, JVP+backward 2.8 vs 0.9.
    /// So the managed GEMM beats OpenBLAS as Debian ships it on both machines, stays above 60 % of OpenBLAS's best
    /// AVX-512 kernels, and needs no native library. OpenBLAS stays available (<see cref="OpenBlasBackend"/>) as the
    /// baseline and for CPUs without AVX2, where the managed code is scalar.</summary>
    public static IComputeBackend Default => s_default.Value;

    private static IComputeBackend ChooseDefault()
    {
        if (Avx512F.IsSupported || (Avx2.IsSupported && Fma.IsSupported)) return Managed;
        return OpenBlasBackend.TryCreate(out _) ?? (IComputeBackend)Managed;
    }
}
