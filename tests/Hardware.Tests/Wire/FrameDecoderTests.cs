using System.Buffers.Binary;
using TrpoEdge.Core.Wire;

namespace TrpoEdge.Hardware.Tests.Wire;

public sealed class FrameDecoderTests
{
    private static byte[] ActionWire(ushort seq, float value)
    {
        var buf = new byte[WireProtocol.MaxWireLength];
        int n = FrameEncoder.Encode(new ActionMessage((ushort)(seq - 1), new[] { value }), seq, buf);
        return buf[..n];
    }

    /// <summary>Builds a wire frame from raw frame bytes, computing a correct CRC, so the checks
    /// after the CRC (version, type, length) can be exercised.</summary>
    private static byte[] WireWithValidCrc(params byte[] body)
    {
        var frame = new byte[body.Length + 4];
        body.CopyTo(frame, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(body.Length), Crc32C.Compute(body));
        var wire = new byte[Cobs.MaxEncodedLength(frame.Length) + 1];
        int n = Cobs.Encode(frame, wire);
        return wire[..(n + 1)];
    }

    private static int DecodeAll(FrameDecoder decoder, ReadOnlySpan<byte> input, List<ushort>? seqs = null)
    {
        int count = 0;
        while (decoder.TryDecode(ref input, out Frame f))
        {
            count++;
            seqs?.Add(f.Sequence);
        }
        return count;
    }

    [Fact]
    public void A_megabyte_of_random_garbage_decodes_nothing_and_the_following_frames_decode()
    {
        var garbage = new byte[1 << 20];
        new Random(20261123).NextBytes(garbage);
        var decoder = new FrameDecoder();
        Assert.Equal(0, DecodeAll(decoder, garbage));
        FrameDecoderStats stats = decoder.Stats;
        Assert.Equal(0, stats.Decoded);
        // ~4096 zeros in a random megabyte; each ends a candidate chunk, all of them dropped.
        Assert.InRange(stats.Dropped, 3000, 5000);

        var seqs = new List<ushort>();
        DecodeAll(decoder, [.. ActionWire(1, 0.5f), .. ActionWire(2, 0.25f)], seqs);
        // The first frame is glued to the garbage's unterminated tail unless that tail ended in 0x00.
        Assert.Contains((ushort)2, seqs);
        Assert.Equal(garbage[^1] == 0 ? 2 : 1, seqs.Count);
    }

    [Fact]
    public void A_megabyte_without_delimiters_is_one_oversize_drop_and_a_delimiter_resynchronises()
    {
        var garbage = new byte[1 << 20];
        new Random(5).NextBytes(garbage);
        for (int i = 0; i < garbage.Length; i++) if (garbage[i] == 0) garbage[i] = 0x5A;
        var decoder = new FrameDecoder();
        Assert.Equal(0, DecodeAll(decoder, garbage));
        var seqs = new List<ushort>();
        DecodeAll(decoder, [0, .. ActionWire(9, 1f)], seqs);
        Assert.Equal([(ushort)9], seqs);
        Assert.Equal(1, decoder.Stats.Oversize);
        Assert.Equal(1, decoder.Stats.Dropped);
    }

    [Fact]
    public void Every_single_and_double_bit_flip_of_an_action_frame_is_dropped()
    {
        byte[] wire = ActionWire(300, 1.25f);
        int bits = wire.Length * 8;
        var decoder = new FrameDecoder();
        int trials = 0;
        for (int i = 0; i < bits; i++)
        {
            for (int j = i; j < bits; j++)
            {
                byte[] bad = (byte[])wire.Clone();
                bad[i / 8] ^= (byte)(1 << (i % 8));
                if (j != i) bad[j / 8] ^= (byte)(1 << (j % 8));
                // A trailing delimiter guarantees that whatever is left of the frame is judged now.
                Assert.Equal(0, DecodeAll(decoder, [.. bad, 0]));
                trials++;
            }
        }
        Assert.Equal(bits * (bits + 1) / 2, trials);
        Assert.Equal(0, decoder.Stats.Decoded);
        Assert.True(decoder.Stats.CrcErrors > trials / 2, decoder.Stats.ToString());
    }

    [Fact]
    public void Feeding_one_byte_at_a_time_gives_the_same_frames_as_feeding_all_at_once()
    {
        byte[] stream = [0, .. ActionWire(1, 1f), 0x17, 0x42, .. ActionWire(2, 2f), 0, .. ActionWire(3, 3f)];
        var whole = new List<ushort>();
        DecodeAll(new FrameDecoder(), stream, whole);
        var bytewise = new List<ushort>();
        var decoder = new FrameDecoder();
        foreach (byte b in stream) DecodeAll(decoder, [b], bytewise);
        Assert.Equal([(ushort)1, 3], whole);
        Assert.Equal(whole, bytewise);
        Assert.Equal(1, decoder.Stats.Dropped); // 17 42 glued to frame 2
    }

    [Fact]
    public void Back_to_back_delimiters_are_an_idle_line_not_errors()
    {
        var decoder = new FrameDecoder();
        DecodeAll(decoder, new byte[100]);
        Assert.Equal(default, decoder.Stats);
    }

    [Fact]
    public void A_chunk_longer_than_any_frame_is_dropped_as_oversize_even_if_it_ends_in_a_valid_frame()
    {
        var decoder = new FrameDecoder();
        byte[] wire = ActionWire(4, 1f);
        byte[] filler = Enumerable.Repeat((byte)0x33, WireProtocol.MaxEncodedLength).ToArray();
        Assert.Equal(0, DecodeAll(decoder, [.. filler, .. wire]));
        Assert.Equal(1, decoder.Stats.Oversize);
    }

    [Fact]
    public void A_frame_of_exactly_the_maximum_length_decodes()
    {
        var decoder = new FrameDecoder();
        byte[] body = new byte[WireProtocol.MaxFrameLength - 4];
        body[0] = 0x16; // FAULT, payload = code, len, detail
        body[3] = 1;
        body[4] = (byte)(body.Length - 5);
        Assert.True(body[4] > WireProtocol.MaxFaultDetailBytes);
        // Too long for a FAULT, so it is malformed; but it was not oversize: the length check passed.
        Assert.Equal(0, DecodeAll(decoder, WireWithValidCrc(body)));
        Assert.Equal(1, decoder.Stats.Malformed);
        Assert.Equal(0, decoder.Stats.Oversize);
    }

    [Fact]
    public void A_valid_crc_with_another_version_is_dropped_as_unsupported()
    {
        var decoder = new FrameDecoder();
        Assert.Equal(0, DecodeAll(decoder, WireWithValidCrc(0x25, 0, 0, 0)));
        Assert.Equal(1, decoder.Stats.UnsupportedVersion);
    }

    [Theory]
    [InlineData(new byte[] { 0x17, 0, 0 })]                        // unknown type 7
    [InlineData(new byte[] { 0x10, 0, 0 })]                        // type 0
    [InlineData(new byte[] { 0x15, 0, 0 })]                        // STOP without its reason byte
    [InlineData(new byte[] { 0x14, 0, 0, 0, 0, 2, 0, 0, 0x80, 0x3F })] // ACTION claims 2 values, carries 1
    [InlineData(new byte[] { 0x14, 0, 0, 0, 0, 9, 0, 0, 0x80, 0x3F })] // ACTION claims 9 values
    [InlineData(new byte[] { 0x14, 0, 0, 0, 0, 0 })]               // ACTION with no values
    public void A_valid_crc_with_a_wrong_type_or_length_is_dropped_as_malformed(byte[] body)
    {
        var decoder = new FrameDecoder();
        Assert.Equal(0, DecodeAll(decoder, WireWithValidCrc(body)));
        Assert.Equal(1, decoder.Stats.Malformed);
    }

    [Fact]
    public void Chunks_too_short_to_be_a_frame_are_framing_errors()
    {
        var decoder = new FrameDecoder();
        Assert.Equal(0, DecodeAll(decoder, [0x02, 0x11, 0x00, 0x04, 0x11, 0x22, 0x33, 0x00]));
        Assert.Equal(2, decoder.Stats.FramingErrors);
    }

    [Fact]
    public void Reading_a_frame_as_the_wrong_type_says_what_it_is()
    {
        var decoder = new FrameDecoder();
        ReadOnlySpan<byte> input = ActionWire(5, 1f);
        Assert.True(decoder.TryDecode(ref input, out Frame f));
        InvalidOperationException? e = null;
        try { f.ReadState(new float[16]); } catch (InvalidOperationException x) { e = x; }
        Assert.NotNull(e);
        Assert.Contains("Action (seq 5), not a State", e!.Message);
    }

    [Fact]
    public void A_command_buffer_that_is_too_small_is_refused_with_the_sizes()
    {
        var decoder = new FrameDecoder();
        var buf = new byte[WireProtocol.MaxWireLength];
        int n = FrameEncoder.Encode(new ActionMessage(0, new float[] { 1, 2, 3 }), 0, buf);
        ReadOnlySpan<byte> input = buf.AsSpan(0, n);
        Assert.True(decoder.TryDecode(ref input, out Frame f));
        ArgumentException? e = null;
        try { f.ReadAction(new float[2]); } catch (ArgumentException x) { e = x; }
        Assert.Contains("holds 2 values; this ACTION carries 3", e!.Message);
    }

    [Fact]
    public void Encoding_and_decoding_states_and_actions_allocates_nothing()
    {
        var hostEncoder = new FrameEncoder();
        var rigEncoder = new FrameEncoder();
        var hostDecoder = new FrameDecoder();
        var rigDecoder = new FrameDecoder();
        float[] obs = [0.1f, 0.2f, 0.3f], obsIn = new float[16], cmd = [0.5f], cmdIn = new float[8];
        long sum = 0;
        void Round(int i)
        {
            obs[2] = i;
            ReadOnlySpan<byte> w = rigEncoder.Encode(new StateMessage((uint)i, (ushort)i, StateFlags.None, -1f, obs));
            Assert.True(hostDecoder.TryDecode(ref w, out Frame s));
            StateMessage st = s.ReadState(obsIn);
            cmd[0] = st.Observation.Span[2];
            ReadOnlySpan<byte> a = hostEncoder.Encode(new ActionMessage(s.Sequence, cmd));
            Assert.True(rigDecoder.TryDecode(ref a, out Frame af));
            sum += (long)af.ReadAction(cmdIn).Command.Span[0];
        }
        for (int i = 0; i < 100; i++) Round(i);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) Round(i);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(10_100, rigDecoder.Stats.Decoded);
        Assert.True(sum > 0);
    }

    [Fact]
    public void The_encoder_numbers_frames_consecutively_and_wraps()
    {
        var encoder = new FrameEncoder { NextSequence = 0xFFFF };
        var decoder = new FrameDecoder();
        var seqs = new List<ushort>();
        for (int i = 0; i < 3; i++)
        {
            ReadOnlySpan<byte> w = encoder.Encode(new StopMessage(StopReason.Shutdown));
            while (decoder.TryDecode(ref w, out Frame f)) seqs.Add(f.Sequence);
        }
        Assert.Equal([(ushort)0xFFFF, 0, 1], seqs);
    }
}
