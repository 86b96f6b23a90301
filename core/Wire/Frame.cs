namespace TrpoEdge.Core.Wire;

/// <summary>One frame that passed COBS, CRC, version and structure checks, viewed in the
/// decoder's buffer: valid only until the decoder's next call. Read the message with the
/// method for its <see cref="Type"/>.</summary>
public readonly ref struct Frame
{
    internal Frame(ReadOnlySpan<byte> bytes)
    {
        Bytes = bytes;
    }

    /// <summary>The decoded frame: header, sequence number, payload and CRC.</summary>
    public ReadOnlySpan<byte> Bytes { get; }
    public MessageType Type => (MessageType)(Bytes[0] & 0x0F);
    public byte Version => (byte)(Bytes[0] >> 4);
    public ushort Sequence => (ushort)(Bytes[1] | Bytes[2] << 8);
    public ReadOnlySpan<byte> Payload => Bytes[WireProtocol.HeaderLength..^WireProtocol.CrcLength];

    public HelloMessage ReadHello() { Expect(MessageType.Hello); return HelloMessage.Read(Payload); }
    public HandshakeMessage ReadHandshake() { Expect(MessageType.Handshake); return HandshakeMessage.Read(Payload); }
    /// <summary>Copies the observation into <paramref name="buffer"/> (at least obs_dim long).</summary>
    public StateMessage ReadState(Memory<float> buffer) { Expect(MessageType.State); return StateMessage.Read(Payload, buffer); }
    /// <summary>Copies the command into <paramref name="buffer"/> (at least act_dim long).</summary>
    public ActionMessage ReadAction(Memory<float> buffer) { Expect(MessageType.Action); return ActionMessage.Read(Payload, buffer); }
    public StopMessage ReadStop() { Expect(MessageType.Stop); return StopMessage.Read(Payload); }
    public FaultMessage ReadFault() { Expect(MessageType.Fault); return FaultMessage.Read(Payload); }

    private void Expect(MessageType type)
    {
        if (Type != type)
            throw new InvalidOperationException($"This frame is a {Type} (seq {Sequence}), not a {type}; switch on Frame.Type before reading.");
    }

    /// <summary>Whether a payload is well formed for its type: exact length, counts in range.</summary>
    internal static bool IsWellFormed(MessageType type, ReadOnlySpan<byte> payload) => type switch
    {
        MessageType.Hello => HelloMessage.IsWellFormed(payload),
        MessageType.Handshake => HandshakeMessage.IsWellFormed(payload),
        MessageType.State => StateMessage.IsWellFormed(payload),
        MessageType.Action => ActionMessage.IsWellFormed(payload),
        MessageType.Stop => StopMessage.IsWellFormed(payload),
        MessageType.Fault => FaultMessage.IsWellFormed(payload),
        _ => false,
    };
}
