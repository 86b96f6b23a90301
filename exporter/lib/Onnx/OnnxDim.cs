namespace TrpoEdge.Exporter.Onnx;

/// <summary>One dimension of a declared tensor shape: a fixed size or a symbolic name such as "batch".</summary>
public readonly record struct OnnxDim
{
    private OnnxDim(long value, string? param)
    {
        Value = value;
        Param = param;
    }

    /// <summary>The fixed size; meaningful only when <see cref="Param"/> is null.</summary>
    public long Value { get; }

    /// <summary>The symbolic name, or null for a fixed size.</summary>
    public string? Param { get; }

    public bool IsSymbolic => Param is not null;

    public static OnnxDim Fixed(long value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "A tensor dimension cannot be negative.");
        return new OnnxDim(value, null);
    }

    public static OnnxDim Symbolic(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A symbolic dimension needs a non-empty name.", nameof(name));
        return new OnnxDim(0, name);
    }

    public static implicit operator OnnxDim(long value) => Fixed(value);

    public override string ToString() => Param ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
