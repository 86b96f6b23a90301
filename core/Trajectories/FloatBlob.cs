using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TrpoEdge.Core.Trajectories;

/// <summary>float32 little-endian blobs, whatever the host's byte order.</summary>
internal static class FloatBlob
{
    /// <summary>The bytes of <paramref name="values"/> in little-endian order: a view on little-endian hosts
    /// (no copy), otherwise written into <paramref name="scratch"/>.</summary>
    public static ReadOnlySpan<byte> AsLittleEndian(ReadOnlySpan<float> values, Span<byte> scratch)
    {
        if (BitConverter.IsLittleEndian) return MemoryMarshal.AsBytes(values);
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(scratch.Slice(4 * i, 4), values[i]);
        return scratch[..(4 * values.Length)];
    }

    public static void Decode(ReadOnlySpan<byte> blob, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian) { MemoryMarshal.Cast<byte, float>(blob).CopyTo(destination); return; }
        for (int i = 0; i < destination.Length; i++)
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(blob.Slice(4 * i, 4));
    }
}
