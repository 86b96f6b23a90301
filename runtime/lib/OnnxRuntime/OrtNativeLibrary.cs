using System.Runtime.InteropServices;

namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>Finds and loads the ONNX Runtime native library. Order: the <c>TRPOEDGE_ORT_LIB</c>
/// environment variable, the folder of this assembly (where the build copies it), the application's
/// base folder, then the cache that <c>scripts/fetch-onnxruntime.sh</c> fills.</summary>
public static class OrtNativeLibrary
{
    public const string Version = "1.23.2";
    public const string EnvironmentVariable = "TRPOEDGE_ORT_LIB";
    public const string CacheEnvironmentVariable = "TRPOEDGE_ORT_CACHE";

    /// <summary>The platform's file name of the library as the npm package ships it.</summary>
    public static string FileName =>
        OperatingSystem.IsWindows() ? "onnxruntime.dll"
        : OperatingSystem.IsMacOS() ? $"libonnxruntime.{Version}.dylib"
        : "libonnxruntime.so.1";

    /// <summary>Every path tried, in order; the first that loads wins. A path given by <c>TRPOEDGE_ORT_LIB</c>
    /// is the only candidate: the user chose that copy, and silently loading another would hide the mistake.</summary>
    public static IReadOnlyList<string> Candidates() => Candidates(Environment.GetEnvironmentVariable(EnvironmentVariable));

    internal static IReadOnlyList<string> Candidates(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return [explicitPath];
        var list = new List<string>();
        // Empty in a single-file app (IL3000); AppContext.BaseDirectory below covers that case, so the warning, which
        // would otherwise fail `dotnet publish -p:PublishSingleFile=true` under warnings-as-errors, is safe to silence.
#pragma warning disable IL3000
        string? asmDir = Path.GetDirectoryName(typeof(OrtNativeLibrary).Assembly.Location);
#pragma warning restore IL3000
        if (!string.IsNullOrEmpty(asmDir)) list.Add(Path.Combine(asmDir, FileName));
        string baseDir = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!list.Contains(baseDir)) list.Add(baseDir);
        list.Add(Path.Combine(CacheDirectory(), PlatformFolder(), FileName));
        return list;
    }

    /// <summary>Same rule as scripts/fetch-onnxruntime.sh.</summary>
    public static string CacheDirectory()
    {
        string? explicitDir = Environment.GetEnvironmentVariable(CacheEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(explicitDir)) return explicitDir;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrWhiteSpace(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "trpoedge", "onnxruntime-" + Version);
    }

    private static string PlatformFolder()
    {
        string os = OperatingSystem.IsWindows() ? "win32" : OperatingSystem.IsMacOS() ? "darwin" : "linux";
        string arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x64";
        return os + "-" + arch;
    }

    /// <summary>Loads the library; throws <see cref="DllNotFoundException"/> naming every path tried
    /// and why each failed.</summary>
    public static IntPtr Load(out string loadedFrom) => Load(Environment.GetEnvironmentVariable(EnvironmentVariable), out loadedFrom);

    internal static IntPtr Load(string? explicitPath, out string loadedFrom)
    {
        bool fromEnv = !string.IsNullOrWhiteSpace(explicitPath);
        var tried = new List<string>();
        foreach (string path in Candidates(explicitPath))
        {
            string origin = fromEnv ? $" (from {EnvironmentVariable})" : "";
            if (!File.Exists(path))
            {
                tried.Add($"  {path}{origin}: not found");
                continue;
            }
            if (NativeLibrary.TryLoad(path, out IntPtr handle))
            {
                if (NativeLibrary.TryGetExport(handle, "OrtGetApiBase", out _))
                {
                    loadedFrom = path;
                    return handle;
                }
                tried.Add($"  {path}{origin}: loads but does not export OrtGetApiBase, so it is not ONNX Runtime");
                continue;
            }
            tried.Add($"  {path}{origin}: exists but could not be loaded (not a shared library for this platform, wrong architecture, or missing dependencies)");
        }
        string remedy = fromEnv
            ? $"Point {EnvironmentVariable} at an ONNX Runtime {Version} library ({FileName}), or unset it to use the copy the build fetched."
            : $"Build the runtime library (its build runs scripts/fetch-onnxruntime.sh, which needs npm), "
              + $"run scripts/fetch-onnxruntime.sh yourself, or set {EnvironmentVariable} to the library's path.";
        throw new DllNotFoundException(
            $"ONNX Runtime {Version} native library ({FileName}) could not be loaded. Tried:{Environment.NewLine}"
            + string.Join(Environment.NewLine, tried) + Environment.NewLine + remedy);
    }
}
