namespace TrpoEdge.Core.Wire;

/// <summary>What a <see cref="FrameDecoder"/> has seen. Every dropped frame lands in exactly one
/// counter; none of them was handed to the caller.</summary>
public readonly record struct FrameDecoderStats(
    long Decoded,
    long CrcErrors,
    long FramingErrors,
    long Oversize,
    long Malformed,
    long UnsupportedVersion)
{
    public long Dropped => CrcErrors + FramingErrors + Oversize + Malformed + UnsupportedVersion;

    public override string ToString() =>
        $"{Decoded} decoded, {Dropped} dropped (crc {CrcErrors}, framing {FramingErrors}, oversize {Oversize}, malformed {Malformed}, version {UnsupportedVersion})";
}
