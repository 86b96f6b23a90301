using System.Text;
using TrpoEdge.Trainer.Metrics;

namespace TrpoEdge.Trainer.Tests.Metrics;

public sealed class Crc32CTests
{
    private static readonly byte[] CheckInput = Encoding.ASCII.GetBytes("123456789");

    // RFC 3720 (iSCSI), appendix B.4: CRC-32C of 32 zero bytes, 32 0xFF bytes, and bytes 0..31.
    public static TheoryData<byte[], uint> Rfc3720Vectors => new()
    {
        { new byte[32], 0x8A9136AAu },
        { Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43u },
        { Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794Eu },
    };

    [Fact]
    public void The_table_path_gives_the_standard_check_value_for_123456789() =>
        Assert.Equal(0xE3069283u, Crc32C.ComputeTable(CheckInput));

    [RequiresCrcInstructionFact]
    public void The_intrinsic_path_gives_the_standard_check_value_for_123456789() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(CheckInput));

    [Fact]
    public void The_crc_of_nothing_is_zero() => Assert.Equal(0u, Crc32C.Compute([]));

    [Theory]
    [MemberData(nameof(Rfc3720Vectors))]
    public void Both_paths_match_the_rfc_3720_vectors(byte[] data, uint expected)
    {
        Assert.Equal(expected, Crc32C.ComputeTable(data));
        Assert.Equal(expected, Crc32C.Compute(data));
    }

    [Fact]
    public void The_fast_path_agrees_with_the_table_and_a_bitwise_crc_for_every_length_and_misalignment()
    {
        var rng = new Random(12345);
        byte[] buffer = new byte[400];
        rng.NextBytes(buffer);
        for (int offset = 0; offset < 8; offset++)
        {
            for (int length = 0; length + offset <= 300; length++)
            {
                ReadOnlySpan<byte> data = buffer.AsSpan(offset, length);
                uint bitwise = TfRecordTestReader.BitwiseCrc32C(data);
                Assert.Equal(bitwise, Crc32C.ComputeTable(data));
                Assert.Equal(bitwise, Crc32C.Compute(data));
            }
        }
    }

    [Theory]
    [InlineData(0x00000000u, 0xA282EAD8u)] // rotate(0) = 0, plus the delta
    [InlineData(0x00000001u, 0xA284EAD8u)] // bit 0 rotates right by 15 to bit 17
    [InlineData(0x00008000u, 0xA282EAD9u)] // bit 15 rotates to bit 0
    [InlineData(0x00020000u, 0xA282EADCu)] // bit 17 rotates to bit 2
    [InlineData(0xE3069283u, 0xC78AB0E5u)] // 0x2507C60D + 0xA282EAD8
    [InlineData(0xFFFFFFFFu, 0xA282EAD7u)] // the addition wraps modulo 2^32
    public void Mask_rotates_right_by_15_and_adds_the_tfrecord_constant(uint crc, uint masked)
    {
        Assert.Equal(masked, Crc32C.Mask(crc));
        Assert.Equal(crc, Crc32C.Unmask(masked));
    }

    [Fact]
    public void Masked_is_the_mask_of_the_crc()
    {
        Assert.Equal(Crc32C.Mask(0xE3069283u), Crc32C.Masked(CheckInput));
        var rng = new Random(7);
        for (int i = 0; i < 1000; i++)
        {
            uint x = (uint)rng.NextInt64(0, 1L << 32);
            Assert.Equal(x, Crc32C.Unmask(Crc32C.Mask(x)));
        }
    }
}
