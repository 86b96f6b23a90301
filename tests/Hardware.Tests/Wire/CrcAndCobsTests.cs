using TrpoEdge.Core.Wire;

namespace TrpoEdge.Hardware.Tests.Wire;

/// <summary>CRC-32C and COBS against published vectors (the CRC catalogue's check value, RFC 3720's
/// iSCSI vectors, the COBS examples of Cheshire &amp; Baker as listed on Wikipedia).</summary>
public sealed class CrcAndCobsTests
{
    [Fact]
    public void Crc32c_of_the_catalogue_check_string_is_e3069283()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0xE3069283u, Crc32C.ComputePortable("123456789"u8));
    }

    [Fact]
    public void Crc32c_matches_the_rfc3720_vectors()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [Fact]
    public void Hardware_and_table_crc_agree_on_every_length_up_to_300()
    {
        var rng = new Random(7);
        for (int n = 0; n <= 300; n++)
        {
            var data = new byte[n];
            rng.NextBytes(data);
            Assert.Equal(Crc32C.ComputePortable(data), Crc32C.Compute(data));
        }
    }

    public static TheoryData<string, string> CobsVectors => new()
    {
        { "00", "01 01" },
        { "00 00", "01 01 01" },
        { "00 11 00", "01 02 11 01" },
        { "11 22 00 33", "03 11 22 02 33" },
        { "11 22 33 44", "05 11 22 33 44" },
        { "11 00 00 00", "02 11 01 01 01" },
        { Seq(0x01, 0xFE), "FF " + Seq(0x01, 0xFE) },
        { Seq(0x00, 0xFE), "01 FF " + Seq(0x01, 0xFE) },
        { Seq(0x01, 0xFF), "FF " + Seq(0x01, 0xFE) + " 02 FF" },
        { Seq(0x02, 0xFF) + " 00", "FF " + Seq(0x02, 0xFF) + " 01 01" },
        { Seq(0x03, 0xFF) + " 00 01", "FE " + Seq(0x03, 0xFF) + " 02 01" },
    };

    [Theory]
    [MemberData(nameof(CobsVectors))]
    public void Cobs_encodes_and_decodes_the_published_examples(string raw, string encoded)
    {
        byte[] src = Hex(raw), expected = Hex(encoded);
        var dst = new byte[Cobs.MaxEncodedLength(src.Length)];
        int n = Cobs.Encode(src, dst);
        Assert.Equal(expected, dst[..n]);
        var back = new byte[src.Length];
        Assert.True(Cobs.TryDecode(expected, back, out int m));
        Assert.Equal(src, back[..m]);
    }

    [Theory]
    [InlineData("00")]          // a zero inside an encoded chunk
    [InlineData("05 11 22")]    // a code that runs past the end
    [InlineData("03 11 00 22")] // zero inside a block
    public void Cobs_refuses_input_no_encoder_can_produce(string encoded)
    {
        Assert.False(Cobs.TryDecode(Hex(encoded), new byte[16], out _));
    }

    [Fact]
    public void Cobs_decoding_refuses_output_larger_than_the_destination()
    {
        Assert.False(Cobs.TryDecode(Hex("05 11 22 33 44"), new byte[3], out _));
    }

    [Fact]
    public void Cobs_encoding_into_a_short_buffer_says_how_much_is_needed()
    {
        var e = Assert.Throws<ArgumentException>(() => Cobs.Encode(new byte[10], new byte[5]));
        Assert.Contains("needs up to 11", e.Message);
    }

    private static string Seq(int from, int to) =>
        string.Join(" ", Enumerable.Range(from, to - from + 1).Select(i => i.ToString("X2")));

    private static byte[] Hex(string s) =>
        s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => Convert.ToByte(h, 16)).ToArray();
}
