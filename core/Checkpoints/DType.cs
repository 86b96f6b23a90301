namespace TrpoEdge.Core.Checkpoints;

/// <summary>The element types of the safetensors format; the member names are the header's dtype strings.</summary>
public enum DType
{
    F64,
    F32,
    F16,
    BF16,
    I64,
    I32,
    I16,
    I8,
    U8,
    BOOL,
}
