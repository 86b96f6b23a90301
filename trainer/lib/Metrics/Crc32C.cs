using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TrpoEdge.Trainer.Metrics;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value ~0, final inversion),
/// the checksum of TFRecord framing. Not the zlib CRC-32: <c>System.IO.Hashing.Crc32</c> would
/// produce files TensorBoard rejects. Uses the CPU's CRC32C instruction (SSE4.2 on x86, the Arm
/// CRC32 extension) when there is one and a lookup table otherwise; both give identical results.
/// </summary>
public static class Crc32C
{
    /// <summary>The reflected Castagnoli polynomial.</summary>
    public const uint Polynomial = 0x82F63B78u;

    /// <summary>The constant TFRecord adds when masking a CRC.</summary>
    public const uint MaskDelta = 0xA282EAD8u;

    private static readonly uint[] Table = BuildTable();

    /// <summary>True when <see cref="Compute"/> runs on a CRC32C instruction rather than the table.</summary>
    public static bool IsHardwareAccelerated =>
        Sse42.X64.IsSupported || Sse42.IsSupported || Crc32.Arm64.IsSupported || Crc32.IsSupported;

    /// <summary>CRC-32C of <paramref name="data"/>, on the fastest path this CPU offers.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) =>
        IsHardwareAccelerated ? ComputeHardware(data) : ComputeTable(data);

    /// <summary>
    /// CRC-32C on the portable table path, whatever the CPU. Public so tests (and a doubting
    /// user) can compare both paths on the same machine.
    /// </summary>
    public static uint ComputeTable(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        uint[] table = Table;
        foreach (byte b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>CRC-32C of <paramref name="data"/>, masked as TFRecord stores it.</summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    /// <summary>
    /// TFRecord's masking: rotate right by 15 and add a constant. Stored data often contains
    /// CRCs itself, and the CRC of a string containing its own CRC is poorly behaved.
    /// </summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;

    /// <summary>Inverse of <see cref="Mask"/>.</summary>
    public static uint Unmask(uint masked)
    {
        uint rotated = masked - MaskDelta;
        return (rotated >> 17) | (rotated << 15);
    }

    private static uint ComputeHardware(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        if (Sse42.X64.IsSupported)
        {
            ulong wide = crc;
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
            foreach (ulong w in words)
            {
                // The instruction consumes the word's bytes in memory order, i.e. little-endian.
                wide = Sse42.X64.Crc32(wide, BitConverter.IsLittleEndian ? w : BinaryPrimitives.ReverseEndianness(w));
            }

            crc = (uint)wide;
            foreach (byte b in data[(words.Length * sizeof(ulong))..])
            {
                crc = Sse42.Crc32(crc, b);
            }
        }
        else if (Sse42.IsSupported)
        {
            ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(data);
            foreach (uint w in words)
            {
                crc = Sse42.Crc32(crc, w);
            }

            foreach (byte b in data[(words.Length * sizeof(uint))..])
            {
                crc = Sse42.Crc32(crc, b);
            }
        }
        else if (Crc32.Arm64.IsSupported)
        {
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
            foreach (ulong w in words)
            {
                crc = Crc32.Arm64.ComputeCrc32C(crc, BitConverter.IsLittleEndian ? w : BinaryPrimitives.ReverseEndianness(w));
            }

            foreach (byte b in data[(words.Length * sizeof(ulong))..])
            {
                crc = Crc32.ComputeCrc32C(crc, b);
            }
        }
        else if (Crc32.IsSupported)
        {
            ReadOnlySpan<uint> words = MemoryMarshal.Cast<byte, uint>(data);
            foreach (uint w in words)
            {
                crc = Crc32.ComputeCrc32C(crc, BitConverter.IsLittleEndian ? w : BinaryPrimitives.ReverseEndianness(w));
            }

            foreach (byte b in data[(words.Length * sizeof(uint))..])
            {
                crc = Crc32.ComputeCrc32C(crc, b);
            }
        }
        else
        {
            return ComputeTable(data);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
