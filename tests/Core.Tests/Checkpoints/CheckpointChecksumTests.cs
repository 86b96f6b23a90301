using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Core.Tests.Checkpoints;

/// <summary>The data_sha256 metadata: damaged tensor bytes are refused on load; a checkpoint saved before the key
/// existed still loads.</summary>
public sealed class CheckpointChecksumTests
{
    private static (byte[] File, int DataStart) Saved()
    {
        byte[] file = PolicyCheckpointTests.Continuous(seed: 3).ToBytes();
        int header = (int)BitConverter.ToUInt64(file, 0);
        return (file, 8 + header);
    }

    [Fact]
    public void Saved_checkpoints_record_the_sha256_of_their_tensor_data()
    {
        (byte[] file, int dataStart) = Saved();
        SafeTensorsContent content = SafeTensors.Parse(file, "c");
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.AsSpan(dataStart)));
        Assert.Equal(expected, content.Metadata[CheckpointNames.DataSha256]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(40)]
    public void Flipped_bytes_in_the_tensor_data_are_refused(int flips)
    {
        (byte[] file, int dataStart) = Saved();
        var rng = new Random(flips);
        // The lowest bit of a byte: every value stays finite and in range, so only the checksum can notice.
        for (int i = 0; i < flips; i++) file[dataStart + rng.Next(file.Length - dataStart)] ^= 1;
        var e = Assert.Throws<InvalidDataException>(() => PolicyCheckpoint.Parse(file, "flipped.safetensors"));
        Assert.Contains("SHA-256", e.Message);
        Assert.Contains("flipped.safetensors", e.Message);
    }

    [Fact]
    public void A_checkpoint_without_the_key_loads_unverified_and_is_re_saved_with_it()
    {
        (byte[] file, _) = Saved();
        SafeTensorsContent content = SafeTensors.Parse(file, "c");
        var metadata = content.Metadata.Where(kv => kv.Key != CheckpointNames.DataSha256).ToDictionary();
        byte[] old = SafeTensors.Serialize([.. content.Tensors.Values], metadata);

        PolicyCheckpoint loaded = PolicyCheckpoint.Parse(old, "old.safetensors");
        Assert.Equal(file, loaded.ToBytes()); // saving it again adds the checksum; nothing else changes
    }
}
