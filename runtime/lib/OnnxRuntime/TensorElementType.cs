namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>ONNX Runtime's <c>ONNXTensorElementDataType</c> (the values are ONNX's TensorProto.DataType).</summary>
public enum TensorElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
}
