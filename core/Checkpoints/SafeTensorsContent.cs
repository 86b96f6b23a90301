namespace TrpoEdge.Core.Checkpoints;

/// <summary>What <see cref="SafeTensors.Read"/> returns: the tensors in file (data offset) order and the
/// string metadata from <c>__metadata__</c> (empty when the file has none).</summary>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);
