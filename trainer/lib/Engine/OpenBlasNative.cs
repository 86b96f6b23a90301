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

    private static readonly Lazy<OpenBlasLibrary> s_loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public static OpenBlasLibrary Library => s_loaded.Value;

    private static string[] Candidates()
    {
        string? custom = Environment.GetEnvironmentVariable(LibraryVariable);
        if (!string.IsNullOrWhiteSpace(custom)) return [custom];
        if (OperatingSystem.IsWindows()) return ["libopenblas.dll", "openblas.dll"];
        if (OperatingSystem.IsMacOS()) return ["libopenblas.0.dylib", "libopenblas.dylib"];
        return ["libopenblas.so.0", "libopenblas.so"];
    }

    private static OpenBlasLibrary Load()
    {
        string[] names = Candidates();
        foreach (string name in names)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm))
                return new OpenBlasLibrary { Error = $"'{name}' loaded but exports no cblas_sgemm; it is not an OpenBLAS build with CBLAS." };
            NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint setThreads);
            NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out nint getThreads);
            NativeLibrary.TryGetExport(handle, "openblas_get_corename", out nint coreName);
            return new OpenBlasLibrary
            {
                Path = name,
                Sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm,
                SetNumThreads = (delegate* unmanaged[Cdecl]<int, void>)setThreads,
                GetNumThreads = (delegate* unmanaged[Cdecl]<int>)getThreads,
                GetCoreName = (delegate* unmanaged[Cdecl]<byte*>)coreName,
            };
        }
        return new OpenBlasLibrary
        {
            Error = $"OpenBLAS was not found (tried {string.Join(", ", names)}). On Debian/Ubuntu install the package " +
                    $"libopenblas0 (apt-get install libopenblas0), or set {LibraryVariable} to the library's path.",
        };
    }
}
