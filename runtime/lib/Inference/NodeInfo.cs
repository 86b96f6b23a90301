using System.Globalization;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TrpoEdge.Runtime.Inference;

/// <summary>One input or output of a model: its name, tensor element type and dimensions (a symbolic
/// dimension such as "batch" reads as -1). Non-tensor values (maps, sequences) report
/// <see cref="TensorElementType.DataTypeMax"/> and no dimensions.</summary>
public sealed record NodeInfo(string Name, TensorElementType ElementType, IReadOnlyList<long> Dimensions)
{
    public override string ToString() =>
        $"{Name}: {TypeName(ElementType)}[{string.Join(", ", Dimensions.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)))}]";

    /// <summary>ONNX's own spelling (float32, int64, ...), the one error messages and the exporter use.</summary>
    public static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.DataTypeMax => "non-tensor",
        _ => type.ToString().ToLowerInvariant(),
    };
}
