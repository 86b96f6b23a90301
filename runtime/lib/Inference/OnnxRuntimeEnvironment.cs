using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace TrpoEdge.Runtime.Inference;

/// <summary>The process-wide <see cref="OrtEnv"/>, created once with error-level logging: ORT's warnings and
/// info (e.g. "Unknown CPU vendor" on an emulated CPU) would otherwise land on stderr in the middle of a
/// control loop's status line. Every model in this project is opened through here.
/// <para>ONNX Runtime's own telemetry is switched off before the library is first called, unless the user set
/// <c>ORT_DISABLE_TELEMETRY</c> themselves: outside Windows, ORT 1.29+ otherwise enumerates the PCI devices, keeps a
/// device id and an offline event cache (a SQLite file, written and fsynced) under ~/.cache/Microsoft/DeveloperTools
/// and starts an uploader that connects to the internet. A controller on a board should do none of that. (It was 286
/// of the 933 system calls from exec to the end of a one-episode run under strace, though no start-up time difference
/// showed on a loaded machine.) <c>ORT_DISABLE_TELEMETRY=0</c> in the environment keeps ORT's default.</para></summary>
public static partial class OnnxRuntimeEnvironment
{
    private static readonly Lazy<OrtEnv> s_env = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static OrtEnv Instance => s_env.Value;

    /// <summary>The native library's own version string, e.g. "1.32.0".</summary>
    public static string Version => Instance.GetVersionString();

    /// <summary>Execution providers compiled into the loaded native library (the CPU package has no CUDA one).</summary>
    public static IReadOnlyList<string> AvailableProviders => Instance.GetAvailableProviders();

    private static OrtEnv Create()
    {
        DisableTelemetryUnlessChosen();
        var options = new EnvironmentCreationOptions
        {
            logId = "trpoedge",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        return OrtEnv.CreateInstanceWithOptions(ref options);
    }

    /// <summary>Sets ORT_DISABLE_TELEMETRY=1 in the process environment (the native one: ORT reads it with getenv,
    /// and .NET's Environment.SetEnvironmentVariable changes only its managed copy outside Windows) unless it is set.
    /// Outside Windows only: the variable is the opt-out of ORT's POSIX telemetry.</summary>
    private static void DisableTelemetryUnlessChosen()
    {
        if (OperatingSystem.IsWindows() || Environment.GetEnvironmentVariable(TelemetryVariable) is not null) return;
        if (SetEnv(TelemetryVariable, "1", overwrite: 0) != 0)
            throw new InvalidOperationException($"setenv({TelemetryVariable}) failed (errno {Marshal.GetLastPInvokeError()}); set {TelemetryVariable}=1 in the environment instead.");
    }

    internal const string TelemetryVariable = "ORT_DISABLE_TELEMETRY";

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
