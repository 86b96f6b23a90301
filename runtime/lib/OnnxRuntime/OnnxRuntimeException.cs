namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>A failed ONNX Runtime call: <see cref="Exception.Message"/> carries ONNX Runtime's own
/// message (prefixed with what we were doing) and <see cref="ErrorCode"/> its code.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base($"[ONNX Runtime {errorCode}] {message}")
    {
        ErrorCode = errorCode;
        OrtMessage = message;
    }

    public OrtErrorCode ErrorCode { get; }

    /// <summary>The message exactly as ONNX Runtime (or our context line) stated it.</summary>
    public string OrtMessage { get; }
}
