using System.Buffers.Binary;

namespace TrpoEdge.Core.Wire;

/// <summary>Builds wire frames: header, sequence number, payload, CRC-32C, COBS, trailing 0x00.
/// One encoder per sending side: it owns that side's sequence counter and reuses one buffer,
/// so encoding allocates nothing. Not thread-safe.</summary>
public sealed class FrameEncoder
{
    private readonly byte[] _frame = new byte[WireProtocol.MaxFrameLength];
    private readonly byte[] _wire = new byte[WireProtocol.MaxWireLength];

    /// <summary>Sequence number the next frame gets; it increments by one per frame and wraps.
    /// Sessions set it to 0 when they send HELLO (host) or HANDSHAKE (rig).</summary>
    public ushort NextSequence { get; set; }

    /// <summary>Encodes <paramref name="message"/> with <see cref="NextSequence"/> (then increments
    /// it) and returns the wire bytes, valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode<T>(in T message) where T : IWireMessage
    {
        int n = Encode(in message, NextSequence, _wire, _frame);
        NextSequence++;
        return _wire.AsSpan(0, n);
    }

    /// <summary>Encodes a frame with an explicit sequence number into <paramref name="destination"/>
    /// (at least <see cref="WireProtocol.MaxWireLength"/> bytes) and returns the bytes written,
    /// trailing delimiter included.</summary>
    public static int Encode<T>(in T message, ushort sequence, Span<byte> destination) where T : IWireMessage
    {
        Span<byte> frame = stackalloc byte[WireProtocol.MaxFrameLength];
        return Encode(in message, sequence, destination, frame);
    }

    private static int Encode<T>(in T message, ushort sequence, Span<byte> destination, Span<byte> frame) where T : IWireMessage
    {
        int payload = message.PayloadLength;
        if (payload > WireProtocol.MaxPayloadLength)
            throw new ArgumentException($"A {message.Type} payload of {payload} bytes exceeds the protocol's {WireProtocol.MaxPayloadLength}.", nameof(message));
        frame[0] = (byte)(WireProtocol.Version << 4 | (byte)message.Type);
        BinaryPrimitives.WriteUInt16LittleEndian(frame[1..], sequence);
        message.WritePayload(frame.Slice(WireProtocol.HeaderLength, payload));
        int body = WireProtocol.HeaderLength + payload;
        BinaryPrimitives.WriteUInt32LittleEndian(frame[body..], Crc32C.Compute(frame[..body]));
        int n = Cobs.Encode(frame[..(body + WireProtocol.CrcLength)], destination);
        destination[n] = WireProtocol.Delimiter;
        return n + 1;
    }
}
