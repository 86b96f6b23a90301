using System.Buffers.Binary;

namespace TrpoEdge.Trainer.Tests.Metrics;

/// <summary>
/// The tests' own TFRecord reader. It checks the CRCs with a bit-at-a-time CRC-32C written here
/// from the definition, sharing no code with the writer's table or intrinsic paths.
/// </summary>
internal static class TfRecordTestReader
{
    public static uint BitwiseCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }

    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint c = BitwiseCrc32C(data);
        return unchecked(((c >> 15) | (c << 17)) + 0xA282EAD8);
    }

    public static List<byte[]> ReadAll(ReadOnlySpan<byte> file)
    {
        var records = new List<byte[]>();
        int pos = 0;
        while (pos < file.Length)
        {
            if (file.Length - pos < 12)
            {
                throw new InvalidDataException($"Truncated record header at byte {pos}.");
            }

            ReadOnlySpan<byte> lengthBytes = file.Slice(pos, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(pos + 8, 4)) != MaskedCrc(lengthBytes))
            {
                throw new InvalidDataException($"Length CRC mismatch at byte {pos}.");
            }

            pos += 12;
            if ((ulong)(file.Length - pos) < length + 4)
            {
                throw new InvalidDataException($"Truncated record data at byte {pos}.");
            }

            ReadOnlySpan<byte> data = file.Slice(pos, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(pos + (int)length, 4)) != MaskedCrc(data))
            {
                throw new InvalidDataException($"Data CRC mismatch at byte {pos}.");
            }

            records.Add(data.ToArray());
            pos += (int)length + 4;
        }

        return records;
    }

    /// <summary>Reads a file another process (or an open writer) may still hold.</summary>
    public static byte[] ReadShared(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var ms = new MemoryStream();
        fs.CopyTo(ms);
        return ms.ToArray();
    }
}
