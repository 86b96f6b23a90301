using System.Runtime.InteropServices;

namespace TrpoEdge.Trainer.Engine;

/// <summary>Loads OpenBLAS at run time (not through [DllImport]) so that a machine without it gets a clear message
/// and the managed backend instead of a TypeLoadException at first use.</summary>
internal static unsafe class OpenBlasNative
{
    public const int CblasRowMajor = 101;
    public const int CblasNoTrans = 111;
    public const int CblasTrans = 112;

    /// <summary>Environment variable naming an OpenBLAS shared library to load instead of the default names.</summary>
    public const string LibraryVariable = "TRPOEDGE_OPENBLAS_LIB";

    private static readonly Lazy<Loaded> s_loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Loaded Library => s_loaded.Value;

    internal sealed class Loaded
    {
        public string? Error { get; init; }
        public string? Path { get; init; }
        public delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm { get; init; }
        public delegate* unmanaged[Cdecl]<int, void> SetNumThreads { get; init; }
        public delegate* unmanaged[Cdecl]<int> GetNumThreads { get; init; }
        public delegate* unmanaged[Cdecl]<byte*> GetCoreName { get; init; }
    }

    private static string[] Candidates()
    {
        string? custom = Environment.GetEnvironmentVariable(LibraryVariable);
        if (!string.IsNullOrWhiteSpace(custom)) return [custom];
        if (OperatingSystem.IsWindows()) return ["libopenblas.dll", "openblas.dll"];
        if (OperatingSystem.IsMacOS()) return ["libopenblas.0.dylib", "libopenblas.dylib"];
        return ["libopenblas.so.0", "libopenblas.so"];
    }

    private static Loaded Load()
    {
        string[] names = Candidates();
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm))
                return new Loaded { Error = $"'{name}' loaded but exports no cblas_sgemm; it is not an OpenBLAS build with CBLAS." };
            NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint setThreads);
            NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out nint getThreads);
            NativeLibrary.TryGetExport(handle, "openblas_get_corename", out nint coreName);
            return new Loaded
            {
                Path = name,
                Sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm,
                SetNumThreads = (delegate* unmanaged[Cdecl]<int, void>)setThreads,
                GetNumThreads = (delegate* unmanaged[Cdecl]<int>)getThreads,
                GetCoreName = (delegate* unmanaged[Cdecl]<byte*>)coreName,
            };
        }
        return new Loaded
        {
            Error = $"OpenBLAS was not found (tried {string.Join(", ", names)}). On Debian/Ubuntu install the package " +
                    $"libopenblas0 (apt-get install libopenblas0), or set {LibraryVariable} to the library's path.",
        };
    }
}
