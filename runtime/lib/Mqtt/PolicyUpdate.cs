using TrpoEdge.Core.Mqtt;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>A received policy that passed every check: the ONNX bytes, the release it came in, and the contract its
/// metadata states.</summary>
public sealed record PolicyUpdate(byte[] Onnx, PolicyRelease Release, PolicyModelInfo Model, string KeyId);
