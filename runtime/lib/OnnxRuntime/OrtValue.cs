using System.Buffers;

namespace TrpoEdge.Runtime.OnnxRuntime;

/// <summary>A tensor whose data is the caller's buffer, pinned for the value's lifetime: ORT reads
/// inputs from it and writes outputs into it, so after a Run the results are simply in the array.</summary>
public sealed unsafe class OrtValue : IDisposable
{
    private static readonly Lazy<IntPtr> s_cpuMemoryInfo = new(CreateCpuMemoryInfo);

    private readonly OrtHandle _handle;

    private OrtValue(OrtHandle handle, TensorElementType elementType, long[] shape)
    {
        _handle = handle;
        ElementType = elementType;
        Shape = shape;
    }

    public TensorElementType ElementType { get; }
    public IReadOnlyList<long> Shape { get; }

    internal OrtHandle Handle => _handle;

    /// <summary>Wraps <paramref name="buffer"/> (at least the shape's element count) as a tensor.
    /// The buffer stays pinned until <see cref="Dispose"/>; allocate it with
    /// <c>GC.AllocateArray&lt;T&gt;(n, pinned: true)</c> to avoid fragmenting the heap.</summary>
    public static OrtValue CreateTensor<T>(Memory<T> buffer, ReadOnlySpan<long> shape) where T : unmanaged
    {
        TensorElementType type = ElementTypeOf<T>();
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0) throw new ArgumentException($"Tensor dimensions must be concrete (>= 0); got [{string.Join(", ", shape.ToArray())}].", nameof(shape));
            count *= d;
        }
        if (count > buffer.Length)
            throw new ArgumentException($"Shape [{string.Join(", ", shape.ToArray())}] needs {count} elements but the buffer holds {buffer.Length}.", nameof(buffer));
        _ = OrtEnvironment.Instance;
        long[] dims = shape.ToArray();
        MemoryHandle pin = buffer.Pin();
        try
        {
            IntPtr value;
            fixed (long* d = dims)
                OrtApi.Check(OrtApi.CreateTensorWithDataAsOrtValue(
                    s_cpuMemoryInfo.Value, pin.Pointer, (nuint)(count * sizeof(T)), d, (nuint)dims.Length, type, &value),
                    $"creating a {type} tensor [{string.Join(", ", dims)}]");
            return new OrtValue(new OrtHandle(value, OrtApi.ReleaseValue, pin), type, dims);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    public static TensorElementType ElementTypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? TensorElementType.Float
        : typeof(T) == typeof(double) ? TensorElementType.Double
        : typeof(T) == typeof(long) ? TensorElementType.Int64
        : typeof(T) == typeof(int) ? TensorElementType.Int32
        : typeof(T) == typeof(byte) ? TensorElementType.UInt8
        : typeof(T) == typeof(sbyte) ? TensorElementType.Int8
        : typeof(T) == typeof(short) ? TensorElementType.Int16
        : typeof(T) == typeof(ushort) ? TensorElementType.UInt16
        : typeof(T) == typeof(bool) ? TensorElementType.Bool
        : throw new NotSupportedException($"No ONNX tensor element type for {typeof(T).Name}.");

    /// <summary>Releases the ORT value and then unpins the buffer (deferred while a bound Run holds it).</summary>
    public void Dispose() => _handle.Dispose();

    private static IntPtr CreateCpuMemoryInfo()
    {
        IntPtr info;
        // (OrtArenaAllocator, OrtMemTypeDefault): plain CPU memory. Never released: one per process.
        OrtApi.Check(OrtApi.CreateCpuMemoryInfo(1, 0, &info), "creating CPU memory info");
        return info;
    }
}
