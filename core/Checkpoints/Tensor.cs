using System.Buffers.Binary;

namespace TrpoEdge.Core.Checkpoints;

/// <summary>One named tensor as stored in a safetensors file: dtype, shape (row-major, C order) and the raw
/// little-endian bytes. The typed factories and converters do the byte order explicitly, so files are the
/// same on any host.</summary>
public sealed class Tensor
{
    public Tensor(string name, DType dtype, long[] shape, byte[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (name == SafeTensors.MetadataKey)
            throw new ArgumentException($"\"{SafeTensors.MetadataKey}\" is reserved for metadata and cannot name a tensor.", nameof(name));
        _ = DTypes.SizeOf(dtype);
        long count = ElementCountOf(shape, name);
        long expected;
        try { expected = checked(count * DTypes.SizeOf(dtype)); }
        catch (OverflowException) { throw new ArgumentException($"Tensor '{name}' shape {FormatShape(shape)} needs more bytes than fit in 64 bits.", nameof(shape)); }
        if (data.LongLength != expected)
            throw new ArgumentException(
                $"Tensor '{name}' of {DTypes.Name(dtype)} with shape {FormatShape(shape)} needs {expected} bytes; got {data.LongLength}.", nameof(data));
        Name = name;
        DType = dtype;
        Shape = (long[])shape.Clone();
        Data = data;
    }

    public string Name { get; }
    public DType DType { get; }
    public long[] Shape { get; }
    public byte[] Data { get; }

    /// <summary>Product of the shape (1 for a scalar of shape []).</summary>
    public long ElementCount => Data.LongLength / DTypes.SizeOf(DType);

    public static Tensor F32(string name, long[] shape, ReadOnlySpan<float> values)
    {
        var data = new byte[checked(values.Length * 4)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        return new Tensor(name, DType.F32, shape, data);
    }

    public static Tensor F64(string name, long[] shape, ReadOnlySpan<double> values)
    {
        var data = new byte[checked(values.Length * 8)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(i * 8), values[i]);
        return new Tensor(name, DType.F64, shape, data);
    }

    public static Tensor I64(string name, long[] shape, ReadOnlySpan<long> values)
    {
        var data = new byte[checked(values.Length * 8)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(i * 8), values[i]);
        return new Tensor(name, DType.I64, shape, data);
    }

    public float[] ToFloats()
    {
        Require(DType.F32);
        var values = new float[Data.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(Data.AsSpan(i * 4));
        return values;
    }

    public double[] ToDoubles()
    {
        Require(DType.F64);
        var values = new double[Data.Length / 8];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(Data.AsSpan(i * 8));
        return values;
    }

    public long[] ToInt64s()
    {
        Require(DType.I64);
        var values = new long[Data.Length / 8];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(Data.AsSpan(i * 8));
        return values;
    }

    public override string ToString() => $"{Name}: {DTypes.Name(DType)} {FormatShape(Shape)}";

    /// <summary>"[64, 3]" — the form every error message uses.</summary>
    public static string FormatShape(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Product of the dimensions; rejects negative dimensions and products that overflow.</summary>
    internal static long ElementCountOf(IReadOnlyList<long> shape, string name)
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0) throw new ArgumentException($"Tensor '{name}' has a negative dimension in shape {FormatShape(shape)}.");
            try { count = checked(count * d); }
            catch (OverflowException) { throw new ArgumentException($"Tensor '{name}' shape {FormatShape(shape)} has more elements than fit in 64 bits."); }
        }
        return count;
    }

    private void Require(DType expected)
    {
        if (DType != expected)
            throw new InvalidOperationException($"Tensor '{Name}' holds {DTypes.Name(DType)}, not {DTypes.Name(expected)}; use the matching To* method.");
    }
}
