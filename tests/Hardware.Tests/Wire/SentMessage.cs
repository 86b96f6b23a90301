using TrpoEdge.Core.Wire;

namespace TrpoEdge.Hardware.Tests.Wire;

/// <summary>A message of any type with the sequence number it is sent under, for properties.</summary>
public sealed record SentMessage(object Message, ushort Sequence)
{
    public MessageType Type => ((IWireMessage)Message).Type;

    /// <summary>The wire bytes: COBS frame and delimiter.</summary>
    public byte[] Wire()
    {
        var buf = new byte[WireProtocol.MaxWireLength];
        int n = Message switch
        {
            HelloMessage m => FrameEncoder.Encode(m, Sequence, buf),
            HandshakeMessage m => FrameEncoder.Encode(m, Sequence, buf),
            StateMessage m => FrameEncoder.Encode(m, Sequence, buf),
            ActionMessage m => FrameEncoder.Encode(m, Sequence, buf),
            StopMessage m => FrameEncoder.Encode(m, Sequence, buf),
            FaultMessage m => FrameEncoder.Encode(m, Sequence, buf),
            _ => throw new InvalidOperationException(Message.GetType().Name),
        };
        return buf[..n];
    }

    /// <summary>The frame before COBS, as the decoder hands it out.</summary>
    public byte[] FrameBytes()
    {
        byte[] wire = Wire();
        var frame = new byte[WireProtocol.MaxFrameLength];
        Assert.True(Cobs.TryDecode(wire.AsSpan(0, wire.Length - 1), frame, out int n));
        return frame[..n];
    }

    /// <summary>Whether a decoded frame carries exactly this message.</summary>
    public bool Matches(Frame frame)
    {
        if (frame.Type != Type || frame.Sequence != Sequence) return false;
        return Message switch
        {
            HelloMessage m => frame.ReadHello().Equals(m),
            HandshakeMessage m => frame.ReadHandshake().Equals(m),
            StateMessage m => frame.ReadState(new float[WireProtocol.MaxObservationDim]).SameAs(m),
            ActionMessage m => frame.ReadAction(new float[WireProtocol.MaxActionDim]).SameAs(m),
            StopMessage m => frame.ReadStop().Equals(m),
            FaultMessage m => frame.ReadFault().Equals(m),
            _ => false,
        };
    }

    public override string ToString() => $"#{Sequence} {Message}";
}
