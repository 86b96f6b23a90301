using System.Buffers.Binary;

namespace TrpoEdge.Core.Wire;

/// <summary>ACTION, host → rig. Payload: state seq u16 (the STATE this command answers, so the rig
/// can tell a late command), count u8 (1..8), count × command f32. The command lives in caller
/// memory so decoding allocates nothing.</summary>
public readonly struct ActionMessage : IWireMessage
{
    private const int FixedLength = 3;

    public ActionMessage(ushort stateSequence, ReadOnlyMemory<float> command)
    {
        if (command.Length is < 1 or > WireProtocol.MaxActionDim)
            throw new ArgumentException($"An ACTION carries 1..{WireProtocol.MaxActionDim} command values; got {command.Length}.", nameof(command));
        StateSequence = stateSequence;
        Command = command;
    }

    public ushort StateSequence { get; }
    public ReadOnlyMemory<float> Command { get; }

    public MessageType Type => MessageType.Action;
    public int PayloadLength => FixedLength + 4 * Command.Length;

    public void WritePayload(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, StateSequence);
        ReadOnlySpan<float> cmd = Command.Span;
        destination[2] = (byte)cmd.Length;
        for (int i = 0; i < cmd.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(destination[(FixedLength + 4 * i)..], cmd[i]);
    }

    internal static bool IsWellFormed(ReadOnlySpan<byte> payload) =>
        payload.Length >= FixedLength && payload[2] is >= 1 and <= WireProtocol.MaxActionDim
        && payload.Length == FixedLength + 4 * payload[2];

    internal static ActionMessage Read(ReadOnlySpan<byte> payload, Memory<float> buffer)
    {
        int n = payload[2];
        if (buffer.Length < n)
            throw new ArgumentException($"The command buffer holds {buffer.Length} values; this ACTION carries {n}. Size it to at least {WireProtocol.MaxActionDim}.", nameof(buffer));
        Span<float> cmd = buffer.Span;
        for (int i = 0; i < n; i++) cmd[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(FixedLength + 4 * i)..]);
        return new ActionMessage(BinaryPrimitives.ReadUInt16LittleEndian(payload), buffer[..n]);
    }

    /// <summary>Field-by-field equality; floats compare by bit pattern so NaN payloads round-trip.</summary>
    public bool SameAs(in ActionMessage other) =>
        StateSequence == other.StateSequence && WireFloats.BitwiseEqual(Command.Span, other.Command.Span);

    public override string ToString() => $"ACTION(state {StateSequence}, cmd [{string.Join(", ", Command.ToArray())}])";
}
