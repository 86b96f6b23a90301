namespace TrpoEdge.Core.Wire;

/// <summary>docs/ARCHITECTURE.md contract 4: the constants of the serial wire protocol (hardware/PROTOCOL.md).
/// The firmware's <c>protocol/wire.h</c> repeats them; the byte-exact examples keep both honest.</summary>
public static class WireProtocol
{
    /// <summary>Protocol version carried in the header's high nibble and in HELLO / HANDSHAKE.</summary>
    public const byte Version = 1;

    /// <summary>Frame delimiter on the wire. COBS guarantees it never occurs inside a frame.</summary>
    public const byte Delimiter = 0x00;

    /// <summary>Header (1) + sequence number (2).</summary>
    public const int HeaderLength = 3;

    /// <summary>CRC-32C, little-endian, after the payload.</summary>
    public const int CrcLength = 4;

    /// <summary>Largest frame before COBS (header + payload + CRC). Chosen so a frame fits the
    /// 2 KiB RAM of an ATmega328P next to its ring buffers, and so one COBS code byte covers it.</summary>
    public const int MaxFrameLength = 254;

    /// <summary>Largest payload: <see cref="MaxFrameLength"/> less header and CRC.</summary>
    public const int MaxPayloadLength = MaxFrameLength - HeaderLength - CrcLength;

    /// <summary>Largest COBS-encoded frame, not counting the delimiter.</summary>
    public static readonly int MaxEncodedLength = Cobs.MaxEncodedLength(MaxFrameLength);

    /// <summary>Largest frame on the wire including its trailing delimiter.</summary>
    public static readonly int MaxWireLength = MaxEncodedLength + 1;

    public const int MaxObservationDim = 16;
    public const int MaxActionDim = 8;
    public const int MaxRigIdBytes = 32;
    public const int MaxFaultDetailBytes = 64;
}
