using TrpoEdge.Core.Wire;

namespace TrpoEdge.Hardware.Tests.Wire;

/// <summary>The C# codec against the examples written in hardware/PROTOCOL.md: it must produce
/// them byte for byte and read them back into the documented fields.</summary>
public sealed class ByteExactExampleTests
{
    private static readonly HandshakeMessage Handshake =
        new("direct-drive-01", 3, [-2f], [2f], 20000, 100, float.PositiveInfinity, 40f);

    private static byte[] Encode<T>(T message, ushort seq) where T : IWireMessage
    {
        var buf = new byte[WireProtocol.MaxWireLength];
        int n = FrameEncoder.Encode(message, seq, buf);
        return buf[..n];
    }

    private static Frame DecodeSingle(FrameDecoder decoder, byte[] wire)
    {
        ReadOnlySpan<byte> input = wire;
        Assert.True(decoder.TryDecode(ref input, out Frame frame), $"example did not decode: {decoder.Stats}");
        Assert.True(input.IsEmpty);
        return frame;
    }

    [Fact]
    public void The_document_lists_exactly_the_examples_these_tests_and_the_firmware_check()
    {
        Assert.Equal(
            ["action", "fault", "handshake", "hello", "state", "state-watchdog", "stop"],
            ProtocolExamples.Wire.Keys.Order());
    }

    [Fact]
    public void Hello_encodes_to_the_documented_bytes_and_back()
    {
        Assert.Equal(ProtocolExamples.Get("hello"), Encode(new HelloMessage(42), 0));
        Frame f = DecodeSingle(new FrameDecoder(), ProtocolExamples.Get("hello"));
        Assert.Equal(MessageType.Hello, f.Type);
        Assert.Equal(0, f.Sequence);
        Assert.Equal(new HelloMessage(42, 1), f.ReadHello());
    }

    [Fact]
    public void Handshake_encodes_to_the_documented_bytes_and_back()
    {
        Assert.Equal(ProtocolExamples.Get("handshake"), Encode(Handshake, 0));
        HandshakeMessage h = DecodeSingle(new FrameDecoder(), ProtocolExamples.Get("handshake")).ReadHandshake();
        Assert.Equal(Handshake, h);
        Assert.Equal("direct-drive-01", h.RigId);
        Assert.Equal(0.02, h.ControlPeriod, 12);
        Assert.True(float.IsPositiveInfinity(h.AngleLimit));
    }

    [Fact]
    public void State_encodes_to_the_documented_bytes_and_back()
    {
        var sent = new StateMessage(1_234_567, 0, StateFlags.None, -9.5f, new float[] { -1f, 0f, 0.25f });
        Assert.Equal(ProtocolExamples.Get("state"), Encode(sent, 1));
        Frame f = DecodeSingle(new FrameDecoder(), ProtocolExamples.Get("state"));
        Assert.Equal(1, f.Sequence);
        StateMessage got = f.ReadState(new float[WireProtocol.MaxObservationDim]);
        Assert.True(got.SameAs(sent), got.ToString());
    }

    [Fact]
    public void State_with_watchdog_and_clipped_flags_encodes_to_the_documented_bytes_and_back()
    {
        var sent = new StateMessage(1_334_567, 1, StateFlags.Watchdog | StateFlags.Clipped, -9.5f, new float[] { -1f, 0f, 0.25f });
        Assert.Equal(ProtocolExamples.Get("state-watchdog"), Encode(sent, 6));
        StateMessage got = DecodeSingle(new FrameDecoder(), ProtocolExamples.Get("state-watchdog")).ReadState(new float[3]);
        Assert.Equal((StateFlags)0x09, got.Flags);
        Assert.True(got.SameAs(sent));
    }

    [Fact]
    public void Action_encodes_to_the_documented_bytes_and_back()
    {
        var sent = new ActionMessage(1, new float[] { -1.5f });
        Assert.Equal(ProtocolExamples.Get("action"), Encode(sent, 1));
        ActionMessage got = DecodeSingle(new FrameDecoder(), ProtocolExamples.Get("action")).ReadAction(new float[8]);
        Assert.Equal(1, got.StateSequence);
        Assert.Equal([-1.5f], got.Command.ToArray());
    }

    [Fact]
    public void Stop_encodes_to_the_documented_bytes_and_back()
    {
        Assert.Equal(ProtocolExamples.Get("stop"), Encode(new StopMessage(StopReason.EpisodeEnd), 2));
        Frame f = DecodeSingle(new FrameDecoder(), ProtocolExamples.Get("stop"));
        Assert.Equal(2, f.Sequence);
        Assert.Equal(StopReason.EpisodeEnd, f.ReadStop().Reason);
    }

    [Fact]
    public void Fault_encodes_to_the_documented_bytes_and_back()
    {
        var sent = new FaultMessage(FaultCode.Watchdog, "no ACTION for 100 ms");
        Assert.Equal(ProtocolExamples.Get("fault"), Encode(sent, 7));
        Assert.Equal(sent, DecodeSingle(new FrameDecoder(), ProtocolExamples.Get("fault")).ReadFault());
    }

    [Fact]
    public void Every_example_ends_with_the_only_zero_byte_of_its_line()
    {
        foreach ((string name, byte[] wire) in ProtocolExamples.Wire)
        {
            Assert.True(wire[^1] == 0, name);
            Assert.Equal(-1, Array.IndexOf(wire[..^1], (byte)0));
        }
    }

    [Fact]
    public void The_header_byte_after_cobs_decoding_carries_version_one_and_the_type()
    {
        var decoder = new FrameDecoder();
        Assert.Equal(0x11, DecodeSingle(decoder, ProtocolExamples.Get("hello")).Bytes[0]);
        Assert.Equal(0x14, DecodeSingle(decoder, ProtocolExamples.Get("action")).Bytes[0]);
        Assert.Equal(0x16, DecodeSingle(decoder, ProtocolExamples.Get("fault")).Bytes[0]);
    }
}
