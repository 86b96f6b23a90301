using TrpoEdge.Exporter.Onnx.Proto;

namespace TrpoEdge.Exporter;

/// <summary>A graph input or output as a user reads it: name, element type and shape ("[batch, 3]").</summary>
public sealed record ModelPort(string Name, string ElementType, string Shape)
{
    public static ModelPort From(ValueInfoProto info)
    {
        ArgumentNullException.ThrowIfNull(info);
        TypeProto.Types.Tensor t = info.Type.TensorType;
        string type = ((TensorProto.Types.DataType)t.ElemType) switch
        {
            TensorProto.Types.DataType.Float => "float32",
            TensorProto.Types.DataType.Int64 => "int64",
            var other => other.ToString().ToLowerInvariant(),
        };
        string shape = "[" + string.Join(", ", t.Shape.Dim.Select(d =>
            d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam
                ? d.DimParam
                : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        return new ModelPort(info.Name, type, shape);
    }
}
