namespace TrpoEdge.Runtime.Inference;

/// <summary>Where ONNX Runtime computes a model.</summary>
public enum DeviceKind
{
    Cpu,
    Cuda,
}
