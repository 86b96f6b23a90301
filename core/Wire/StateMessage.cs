using System.Buffers.Binary;

namespace TrpoEdge.Core.Wire;

/// <summary>STATE, rig → host, once per control period. Payload: device time µs u32 (wraps every
/// 71.6 minutes), ack seq u16 (the last host frame acted on: the HELLO or the last applied
/// ACTION, which gives the host its round-trip time), flags u8, reward f32, count u8 (1..16),
/// count × observation f32. The observation lives in caller memory so decoding allocates nothing.</summary>
public readonly struct StateMessage : IWireMessage
{
    private const int FixedLength = 12;

    public StateMessage(uint deviceTimeUs, ushort ackSequence, StateFlags flags, float reward, ReadOnlyMemory<float> observation)
    {
        if (observation.Length is < 1 or > WireProtocol.MaxObservationDim)
            throw new ArgumentException($"A STATE carries 1..{WireProtocol.MaxObservationDim} observation values; got {observation.Length}.", nameof(observation));
        DeviceTimeUs = deviceTimeUs;
        AckSequence = ackSequence;
        Flags = flags;
        Reward = reward;
        Observation = observation;
    }

    public uint DeviceTimeUs { get; }
    public ushort AckSequence { get; }
    public StateFlags Flags { get; }
    public float Reward { get; }
    public ReadOnlyMemory<float> Observation { get; }

    public MessageType Type => MessageType.State;
    public int PayloadLength => FixedLength + 4 * Observation.Length;

    public void WritePayload(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, DeviceTimeUs);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], AckSequence);
        destination[6] = (byte)Flags;
        BinaryPrimitives.WriteSingleLittleEndian(destination[7..], Reward);
        ReadOnlySpan<float> obs = Observation.Span;
        destination[11] = (byte)obs.Length;
        for (int i = 0; i < obs.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(destination[(FixedLength + 4 * i)..], obs[i]);
    }

    internal static bool IsWellFormed(ReadOnlySpan<byte> payload) =>
        payload.Length >= FixedLength && payload[11] is >= 1 and <= WireProtocol.MaxObservationDim
        && payload.Length == FixedLength + 4 * payload[11];

    /// <summary>Number of observation values in a well-formed STATE payload.</summary>
    internal static int CountOf(ReadOnlySpan<byte> payload) => payload[11];

    internal static StateMessage Read(ReadOnlySpan<byte> payload, Memory<float> buffer)
    {
        int n = payload[11];
        if (buffer.Length < n)
            throw new ArgumentException($"The observation buffer holds {buffer.Length} values; this STATE carries {n}. Size it to the handshake's obs_dim (at most {WireProtocol.MaxObservationDim}).", nameof(buffer));
        Span<float> obs = buffer.Span;
        for (int i = 0; i < n; i++) obs[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(FixedLength + 4 * i)..]);
        return new StateMessage(
            BinaryPrimitives.ReadUInt32LittleEndian(payload),
            BinaryPrimitives.ReadUInt16LittleEndian(payload[4..]),
            (StateFlags)payload[6],
            BinaryPrimitives.ReadSingleLittleEndian(payload[7..]),
            buffer[..n]);
    }

    /// <summary>Field-by-field equality; floats compare by bit pattern so NaN payloads round-trip.</summary>
    public bool SameAs(in StateMessage other) =>
        DeviceTimeUs == other.DeviceTimeUs && AckSequence == other.AckSequence && Flags == other.Flags
        && BitConverter.SingleToInt32Bits(Reward) == BitConverter.SingleToInt32Bits(other.Reward)
        && WireFloats.BitwiseEqual(Observation.Span, other.Observation.Span);

    public override string ToString() =>
        $"STATE(t {DeviceTimeUs} us, ack {AckSequence}, flags {Flags}, reward {Reward}, obs [{string.Join(", ", Observation.ToArray())}])";
}
