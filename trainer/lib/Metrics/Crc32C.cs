using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using WireCrc = TrpoEdge.Core.Wire.Crc32C;

namespace TrpoEdge.Trainer.Metrics;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value ~0, final inversion) and TFRecord's masking
/// of it. Not the zlib CRC-32: <c>System.IO.Hashing.Crc32</c> would produce files TensorBoard rejects. The checksum
/// itself is the wire protocol's (<see cref="TrpoEdge.Core.Wire.Crc32C"/>: the CPU's CRC32C instruction where there
/// is one, a table otherwise) — one implementation, tested against the same check values from both sides.
/// </summary>
public static class Crc32C
{
    /// <summary>The reflected Castagnoli polynomial.</summary>
    public const uint Polynomial = 0x82F63B78u;

    /// <summary>The constant TFRecord adds when masking a CRC.</summary>
    public const uint MaskDelta = 0xA282EAD8u;

    /// <summary>True when <see cref="Compute"/> runs on a CRC32C instruction rather than the table.</summary>
    public static bool IsHardwareAccelerated =>
        Sse42.X64.IsSupported || Sse42.IsSupported || Crc32.Arm64.IsSupported || Crc32.IsSupported;

    /// <summary>CRC-32C of <paramref name="data"/>, on the fastest path this CPU offers.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => WireCrc.Compute(data);

    /// <summary>CRC-32C on the portable table path, whatever the CPU, so both paths can be compared on one machine.</summary>
    public static uint ComputeTable(ReadOnlySpan<byte> data) => WireCrc.ComputePortable(data);

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
}
