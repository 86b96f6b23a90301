using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TrpoEdge.Core.Wire;

namespace TrpoEdge.Hardware.Tests.Wire;

/// <summary>FsCheck properties of the codec. Fixed replay seeds keep runs deterministic.</summary>
public sealed class CodecPropertyTests
{
    private const string Seed = "(17,29)";

    [Property(MaxTest = 500, Replay = Seed)]
    public Property Any_message_round_trips_through_encoder_and_decoder() =>
        Prop.ForAll(WireGen.AnyMessage.ToArbitrary(), sent =>
        {
            var decoder = new FrameDecoder();
            ReadOnlySpan<byte> input = sent.Wire();
            bool ok = decoder.TryDecode(ref input, out Frame frame) && sent.Matches(frame) && input.IsEmpty;
            return ok && !decoder.TryDecode(ref input, out _);
        });

    [Property(MaxTest = 300, Replay = Seed)]
    public Property Cobs_round_trips_any_bytes_and_never_emits_a_zero() =>
        Prop.ForAll(Gen.Choose(0, 600).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), n), (_, a) => a).ToArbitrary(), data =>
        {
            var enc = new byte[Cobs.MaxEncodedLength(data.Length)];
            int n = Cobs.Encode(data, enc);
            var dec = new byte[data.Length];
            return Array.IndexOf(enc, (byte)0, 0, n) < 0
                && n <= data.Length + data.Length / 254 + 1
                && Cobs.TryDecode(enc.AsSpan(0, n), dec, out int m) && m == data.Length && dec.AsSpan().SequenceEqual(data);
        });

    /// <summary>Frames in noise, some with flipped bits or cut short, fed in random chunk sizes:
    /// every frame handed out is one that was sent, unchanged; and every intact frame that
    /// follows a delimiter (or starts the stream) is handed out.</summary>
    [Property(MaxTest = 300, Replay = Seed)]
    public Property Damaged_streams_yield_only_frames_that_were_sent_and_every_cleanly_delimited_one() =>
        Prop.ForAll(
            (from segments in Gen.ListOf(WireGen.Segment).Select(l => l.ToArray())
             from tail in WireGen.Garbage(40)
             from chunk in Gen.Choose(1, 64)
             select (segments, tail, chunk)).ToArbitrary(),
            c =>
            {
                var stream = new List<byte>();
                var mustDecode = new List<SentMessage>();
                foreach (StreamSegment s in c.segments)
                {
                    stream.AddRange(s.Garbage);
                    byte[] wire = s.Damage.Apply(s.Message.Wire());
                    if (s.Damage.Kind == DamageKind.None && (stream.Count == 0 || stream[^1] == 0)) mustDecode.Add(s.Message);
                    stream.AddRange(wire);
                }
                stream.AddRange(c.tail);
                stream.Add(0);

                var sent = c.segments.Select(s => s.Message).ToArray();
                var decoder = new FrameDecoder();
                var decoded = new List<SentMessage>();
                byte[] bytes = stream.ToArray();
                for (int at = 0; at < bytes.Length; at += c.chunk)
                {
                    ReadOnlySpan<byte> input = bytes.AsSpan(at, Math.Min(c.chunk, bytes.Length - at));
                    while (decoder.TryDecode(ref input, out Frame frame))
                    {
                        byte[] got = frame.Bytes.ToArray();
                        SentMessage? match = sent.FirstOrDefault(m => got.AsSpan().SequenceEqual(m.FrameBytes()));
                        if (match is null || !match.Matches(frame)) return false.Label($"decoded a frame nobody sent: {Convert.ToHexString(frame.Bytes)}");
                        decoded.Add(match);
                    }
                }
                return mustDecode.All(decoded.Contains).Label($"missed a clean frame; stats {decoder.Stats}");
            });
}
