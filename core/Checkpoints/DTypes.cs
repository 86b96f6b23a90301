namespace TrpoEdge.Core.Checkpoints;

/// <summary>Sizes and header names of <see cref="DType"/>.</summary>
public static class DTypes
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(DType dtype) => dtype switch
    {
        DType.F64 or DType.I64 => 8,
        DType.F32 or DType.I32 => 4,
        DType.F16 or DType.BF16 or DType.I16 => 2,
        DType.I8 or DType.U8 or DType.BOOL => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>The header string, e.g. "F32".</summary>
    public static string Name(DType dtype) => dtype switch
    {
        DType.F64 => "F64", DType.F32 => "F32", DType.F16 => "F16", DType.BF16 => "BF16",
        DType.I64 => "I64", DType.I32 => "I32", DType.I16 => "I16", DType.I8 => "I8",
        DType.U8 => "U8", DType.BOOL => "BOOL",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>Parses a header dtype string exactly (case-sensitive, as the format specifies).</summary>
    public static bool TryParse(string name, out DType dtype)
    {
        foreach (DType d in Enum.GetValues<DType>())
            if (string.Equals(Name(d), name, StringComparison.Ordinal))
            {
                dtype = d;
                return true;
            }
        dtype = default;
        return false;
    }

    /// <summary>All header strings, for error messages.</summary>
    public static string KnownNames => string.Join(", ", Enum.GetValues<DType>().Select(Name));
}
