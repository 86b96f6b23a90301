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

    /// <summary>Every path tried, in order; the first that loads wins.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        string? fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) list.Add(fromEnv);
        string? asmDir = Path.GetDirectoryName(typeof(OrtNativeLibrary).Assembly.Location);
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
    public static IntPtr Load(out string loadedFrom)
    {
        var tried = new List<string>();
        string? fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        foreach (string path in Candidates())
        {
            bool isEnv = fromEnv is not null && path == fromEnv;
            if (!File.Exists(path))
            {
                tried.Add($"  {path}: not found{(isEnv ? $" (from {EnvironmentVariable})" : "")}");
                continue;
            }
            if (NativeLibrary.TryLoad(path, out IntPtr handle))
            {
                loadedFrom = path;
                return handle;
            }
            tried.Add($"  {path}: exists but could not be loaded (wrong architecture or missing dependencies?)");
        }
        throw new DllNotFoundException(
            $"ONNX Runtime {Version} native library ({FileName}) could not be loaded. Tried:{Environment.NewLine}"
            + string.Join(Environment.NewLine, tried) + Environment.NewLine
            + $"Build the runtime library (its build runs scripts/fetch-onnxruntime.sh, which needs npm), "
            + $"run scripts/fetch-onnxruntime.sh yourself, or set {EnvironmentVariable} to the library's path.");
    }
}
