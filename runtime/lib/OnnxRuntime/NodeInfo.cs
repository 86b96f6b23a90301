namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>One input or output of a model: its name, tensor element type and dimensions
/// (a symbolic dimension such as "batch" reads as -1). Non-tensor values (maps, sequences) report
/// <see cref="TensorElementType.Undefined"/> and no dimensions.</summary>
public sealed record NodeInfo(string Name, TensorElementType ElementType, IReadOnlyList<long> Dimensions)
{
    public override string ToString() =>
        $"{Name}: {ElementType.ToString().ToLowerInvariant()}[{string.Join(", ", Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
