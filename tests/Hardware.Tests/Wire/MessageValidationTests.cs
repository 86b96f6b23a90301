using TrpoEdge.Core.Wire;

namespace TrpoEdge.Hardware.Tests.Wire;

public sealed class MessageValidationTests
{
    [Fact]
    public void A_handshake_with_low_above_high_names_the_bound()
    {
        var e = Assert.Throws<ArgumentException>(() => new HandshakeMessage("r", 3, [1f], [-1f], 20000, 100));
        Assert.Contains("Action limit 0 is invalid: low 1, high -1", e.Message);
    }

    [Fact]
    public void A_handshake_without_a_watchdog_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new HandshakeMessage("r", 3, [-1f], [1f], 20000, 0));
        Assert.Contains("a rig without a watchdog is not allowed", e.Message);
    }

    [Fact]
    public void A_rig_id_longer_than_32_bytes_is_refused_with_its_length()
    {
        var e = Assert.Throws<ArgumentException>(() => new HandshakeMessage(new string('x', 33), 3, [-1f], [1f], 20000, 100));
        Assert.Contains("has 33", e.Message);
    }

    [Fact]
    public void Observation_and_command_counts_outside_the_protocol_limits_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new StateMessage(0, 0, 0, 0, new float[17]));
        Assert.Throws<ArgumentException>(() => new StateMessage(0, 0, 0, 0, Array.Empty<float>()));
        Assert.Throws<ArgumentException>(() => new ActionMessage(0, new float[9]));
        Assert.Throws<ArgumentException>(() => new FaultMessage(FaultCode.Limit, new string('x', 65)));
    }

    [Fact]
    public void A_well_formed_handshake_frame_with_insane_values_is_reported_as_invalid_data()
    {
        // Hand-built: correct structure and CRC, but the watchdog field is 0.
        var good = new HandshakeMessage("rig", 3, [-1f], [1f], 20000, 100);
        var frame = new byte[WireProtocol.MaxFrameLength];
        frame[0] = 0x12;
        good.WritePayload(frame.AsSpan(3));
        int len = 3 + good.PayloadLength;
        frame[3 + 7] = 0;
        frame[3 + 8] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(len), Crc32C.Compute(frame.AsSpan(0, len)));
        var wire = new byte[WireProtocol.MaxWireLength];
        int n = Cobs.Encode(frame.AsSpan(0, len + 4), wire);
        ReadOnlySpan<byte> input = wire.AsSpan(0, n + 1);
        var decoder = new FrameDecoder();
        Assert.True(decoder.TryDecode(ref input, out Frame f));
        InvalidDataException? e = null;
        try { f.ReadHandshake(); } catch (InvalidDataException x) { e = x; }
        Assert.NotNull(e);
        Assert.Contains("invalid HANDSHAKE", e!.Message);
    }

    [Fact]
    public void The_sequence_tracker_counts_gaps_refuses_repeats_and_survives_wraparound()
    {
        var t = new SequenceTracker();
        Assert.True(t.Accept(65534));
        Assert.True(t.Accept(65535));
        Assert.True(t.Accept(2));      // 0 and 1 lost across the wrap
        Assert.False(t.Accept(2));     // duplicate
        Assert.False(t.Accept(65535)); // late, reordered
        Assert.True(t.Accept(3));
        Assert.Equal(4, t.Accepted);
        Assert.Equal(2, t.Lost);
        Assert.Equal(2, t.Stale);
        t.Restart();
        Assert.True(t.Accept(100));
        Assert.Equal(2, t.Lost);
    }
}
