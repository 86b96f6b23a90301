using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TrpoEdge.Sim.Rendering;

/// <summary>Writes an 8-bit indexed-colour PNG: IHDR, PLTE, one zlib IDAT (filter 0 on every row), IEND.</summary>
internal static class PngWriter
{
    public static void Write(Stream output, byte[] pixels, int width, int height, byte[] paletteRgb)
    {
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 3;  // colour type: palette indices
        // compression 0, filter method 0, no interlace
        Chunk(output, "IHDR", ihdr);
        Chunk(output, "PLTE", paletteRgb);
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0); // filter type None
                z.Write(pixels, y * width, width);
            }
        }
        Chunk(output, "IDAT", compressed.ToArray());
        Chunk(output, "IEND", []);
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header.Slice(4));
        output.Write(header);
        output.Write(data);
        uint crc = Crc32.Append(Crc32.Compute(header.Slice(4)), data);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        output.Write(tail);
    }
}
