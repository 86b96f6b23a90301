using Microsoft.ML.OnnxRuntime;

namespace TrpoEdge.Runtime.Inference;

/// <summary>The process-wide <see cref="OrtEnv"/>, created once with error-level logging: ORT's warnings and
/// info (e.g. "Unknown CPU vendor" on an emulated CPU) would otherwise land on stderr in the middle of a
/// control loop's status line. Every model in this project is opened through here.</summary>
public static class OnnxRuntimeEnvironment
{
    private static readonly Lazy<OrtEnv> s_env = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static OrtEnv Instance => s_env.Value;

    /// <summary>The native library's own version string, e.g. "1.32.0".</summary>
    public static string Version => Instance.GetVersionString();

    /// <summary>Execution providers compiled into the loaded native library (the CPU package has no CUDA one).</summary>
    public static IReadOnlyList<string> AvailableProviders => Instance.GetAvailableProviders();

    private static OrtEnv Create()
    {
        var options = new EnvironmentCreationOptions
        {
            logId = "trpoedge",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        return OrtEnv.CreateInstanceWithOptions(ref options);
    }
}
