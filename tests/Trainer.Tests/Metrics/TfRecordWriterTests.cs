using TrpoEdge.Trainer.Metrics;
using TrpoEdge.Trainer.Metrics.Proto;
using Google.Protobuf;

namespace TrpoEdge.Trainer.Tests.Metrics;

public sealed class TfRecordWriterTests
{
    // Event { wall_time = 1.5, step = 3, summary { value { tag = "a", simple_value = 1.0 } } }, by hand:
    //   09 | 00 00 00 00 00 00 F8 3F   field 1, wire type 1 (fixed64): 1.5 as a little-endian double
    //   10 | 03                        field 2, wire type 0 (varint): 3
    //   2A | 0A                        field 5, wire type 2, 10 bytes of Summary:
    //     0A | 08                        field 1 (value), 8 bytes of Summary.Value:
    //       0A 01 61                       field 1 (tag), "a"
    //       15 | 00 00 80 3F               field 2, wire type 5 (fixed32): 1.0f
    internal const string ScalarEventHex = "09000000000000f83f10032a0a0a080a0161150000803f";

    // Framing of that 23-byte event: length 23 as uint64 LE, masked CRC-32C of those 8 bytes,
    // the event, masked CRC-32C of the event. The CRCs were computed with a bit-at-a-time CRC-32C
    // written from the polynomial's definition (crc(len) = 0xf207be3a -> masked 0x1ef8cee7,
    // crc(event) = 0x4d40ef8b -> masked 0x81998559).
    internal const string ScalarRecordHex =
        "1700000000000000" + "e7cef81e" + ScalarEventHex + "59859981";

    [Fact]
    public void The_hand_encoded_event_matches_the_generated_protobuf_serializer()
    {
        var evt = new Event
        {
            WallTime = 1.5,
            Step = 3,
            Summary = new Summary { Value = { new Summary.Types.Value { Tag = "a", SimpleValue = 1.0f } } },
        };

        Assert.Equal(ScalarEventHex, Convert.ToHexStringLower(evt.ToByteArray()));
    }

    [Fact]
    public void A_small_record_is_framed_byte_for_byte_as_the_spec_says()
    {
        var ms = new MemoryStream();
        using (var writer = new TfRecordWriter(ms, leaveOpen: true))
        {
            writer.WriteRecord(Convert.FromHexString(ScalarEventHex));
        }

        Assert.Equal(ScalarRecordHex, Convert.ToHexStringLower(ms.ToArray()));
    }

    [Fact]
    public void An_empty_record_has_a_zero_length_and_the_masked_crc_of_nothing()
    {
        var ms = new MemoryStream();
        using (var writer = new TfRecordWriter(ms, leaveOpen: true))
        {
            writer.WriteRecord([]);
        }

        // crc(8 zero bytes) = 0x8c28b28a -> masked 0x07980329; crc(empty) = 0 -> masked 0xa282ead8.
        Assert.Equal("0000000000000000" + "29039807" + "d8ea82a2", Convert.ToHexStringLower(ms.ToArray()));
    }

    [Fact]
    public void Records_of_many_sizes_read_back_through_an_independent_reader()
    {
        var rng = new Random(99);
        var written = new List<byte[]>();
        var ms = new MemoryStream();
        using (var writer = new TfRecordWriter(ms, leaveOpen: true))
        {
            foreach (int size in new[] { 0, 1, 7, 8, 9, 63, 64, 65, 1000, 70_000 })
            {
                byte[] data = new byte[size];
                rng.NextBytes(data);
                written.Add(data);
                writer.WriteRecord(data);
            }
        }

        List<byte[]> read = TfRecordTestReader.ReadAll(ms.ToArray());
        Assert.Equal(written.Count, read.Count);
        for (int i = 0; i < written.Count; i++)
        {
            Assert.Equal(written[i], read[i]);
        }

        Assert.Equal(written.Sum(d => d.Length + TfRecordWriter.FramingBytes), ms.Length);
    }

    [Fact]
    public void Disposing_closes_the_stream_unless_asked_to_leave_it_open()
    {
        var owned = new MemoryStream();
        new TfRecordWriter(owned).Dispose();
        Assert.False(owned.CanWrite);

        var kept = new MemoryStream();
        new TfRecordWriter(kept, leaveOpen: true).Dispose();
        Assert.True(kept.CanWrite);
    }
}
