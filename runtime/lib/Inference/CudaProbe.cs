using System.Runtime.InteropServices;

namespace TrpoEdge.Runtime.Inference;

/// <summary>Checks, before ONNX Runtime is asked for its CUDA provider, that it can work here: the loaded ORT
/// must be the GPU build, and the libraries its CUDA provider links against (the NVIDIA driver, CUDA 13's runtime,
/// cuBLAS/cuBLASLt and cuRAND) must load. ORT itself only says "Failed to load shared library" and writes the
/// missing name to its log; this names it in the exception, in one line.</summary>
public static class CudaProbe
{
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>What ORT 1.32's CUDA provider links against (its ELF NEEDED entries), per platform: (library, what).
    /// cuDNN 9 is loaded later, by the kernels that use it, so it is named in the messages but not probed.</summary>
    public static IReadOnlyList<(string Library, string What)> RequiredLibraries { get; } = OperatingSystem.IsWindows()
        ?
        [
            ("nvcuda.dll", "NVIDIA driver"),
            ("cudart64_13.dll", "CUDA 13 runtime"),
            ("cublasLt64_13.dll", "CUDA 13 cuBLASLt"),
            ("cublas64_13.dll", "CUDA 13 cuBLAS"),
            ("curand64_10.dll", "cuRAND 10"),
        ]
        :
        [
            ("libcuda.so.1", "NVIDIA driver"),
            ("libcudart.so.13", "CUDA 13 runtime"),
            ("libcublasLt.so.13", "CUDA 13 cuBLASLt"),
            ("libcublas.so.13", "CUDA 13 cuBLAS"),
            ("libcurand.so.10", "cuRAND 10"),
        ];

    /// <summary>Throws <see cref="DeviceUnavailableException"/> with one line saying what is missing when the
    /// CUDA provider cannot work in this process; returns quietly when it may.</summary>
    public static void EnsureAvailable(InferenceDevice device)
    {
        if (device.Kind != DeviceKind.Cuda) return;
        IReadOnlyList<string> providers = OnnxRuntimeEnvironment.AvailableProviders;
        if (!providers.Contains(CudaProvider))
            throw new DeviceUnavailableException(device,
                $"--device {device}: this build carries the CPU-only ONNX Runtime {OnnxRuntimeEnvironment.Version} "
                + $"(providers: {string.Join(", ", providers)}); build or publish with -p:OrtGpu=true for the CUDA one, "
                + "which also needs CUDA 13 (cuBLAS, cudart) and cuDNN 9 installed; or use --device cpu.");
        IReadOnlyList<string> missing = Missing(RequiredLibraries);
        if (missing.Count > 0)
            throw new DeviceUnavailableException(device,
                $"--device {device}: CUDA inference needs the NVIDIA driver, CUDA 13 (cuBLAS, cudart) and cuDNN 9, and these do not load: "
                + $"{string.Join(", ", missing)}; install them or add their folder to {(OperatingSystem.IsWindows() ? "PATH" : "LD_LIBRARY_PATH")}, or use --device cpu.");
    }

    /// <summary>The libraries of <paramref name="libraries"/> that the loader cannot load, as "name (what)".</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<(string Library, string What)> libraries)
    {
        var missing = new List<string>();
        foreach (var (library, what) in libraries)
        {
            if (NativeLibrary.TryLoad(library, out IntPtr handle)) NativeLibrary.Free(handle);
            else missing.Add($"{library} ({what})");
        }
        return missing;
    }
}
