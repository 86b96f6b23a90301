using System.Runtime.ExceptionServices;

namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>The process-wide <c>OrtEnv</c>. ORT wants exactly one per process; it lives until exit
/// (releasing it while sessions exist is undefined behaviour, so we never do).</summary>
public sealed unsafe class OrtEnvironment
{
    private static readonly Lazy<OrtEnvironment> s_instance = new(() => new OrtEnvironment(), LazyThreadSafetyMode.ExecutionAndPublication);

    private OrtEnvironment()
    {
        try
        {
            RuntimeCheck();
        }
        catch (TypeInitializationException e) when (e.InnerException is not null)
        {
            // The loader's own message (which paths were tried) is what the user needs, not the wrapper.
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
        byte* logId = OrtApi.AllocUtf8("trpoedge");
        try
        {
            IntPtr env;
            // Errors only: ORT's warnings and info would land on stderr in the middle of a control loop.
            OrtApi.Check(OrtApi.CreateEnv(OrtLoggingLevel.Error, logId, &env), "creating the ONNX Runtime environment");
            Handle = env;
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(logId);
        }
        Version = OrtApi.VersionString;
        LibraryPath = OrtApi.LoadedFrom;
    }

    public static OrtEnvironment Instance => s_instance.Value;

    /// <summary>The library's own version string, e.g. "1.23.2".</summary>
    public string Version { get; }

    /// <summary>Where the native library was loaded from.</summary>
    public string LibraryPath { get; }

    internal IntPtr Handle { get; }

    private static void RuntimeCheck() => _ = OrtApi.VersionString;
}
