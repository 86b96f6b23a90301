namespace TrpoEdge.Runtime.Inference;

/// <summary>The requested inference device cannot be used on this machine or with this build. The message is
/// one line naming what is missing (the GPU build of ONNX Runtime, or CUDA's and cuDNN's libraries) and what
/// to do; CPU inference is unaffected.</summary>
public sealed class DeviceUnavailableException : Exception
{
    public DeviceUnavailableException(InferenceDevice device, string message, Exception? inner = null)
        : base(message, inner) => Device = device;

    public InferenceDevice Device { get; }
}
