namespace TrpoEdge.Sim.Rendering;

/// <summary>Writes an animated GIF89a: global 8-colour table, NETSCAPE2.0 loop, and per frame a graphic
/// control extension (delay) plus one full-size LZW-compressed image.</summary>
internal static class GifWriter
{
    private const int MaxCodes = 4096;

    public static void Write(Stream output, IReadOnlyList<byte[]> frames, int width, int height, byte[] paletteRgb, int delayCentiseconds)
    {
        int colours = paletteRgb.Length / 3;
        int bits = 1;
        while ((1 << bits) < colours) bits++;
        if (1 << bits != colours) throw new ArgumentException($"GIF palettes hold a power of two colours; got {colours}.");
        var w = new BinaryWriter(output);
        w.Write("GIF89a"u8);
        w.Write((ushort)width);
        w.Write((ushort)height);
        w.Write((byte)(0x80 | 0x70 | (bits - 1))); // global table, 8-bit colour resolution, table size
        w.Write((byte)0); // background colour index
        w.Write((byte)0); // pixel aspect ratio: unspecified
        w.Write(paletteRgb);
        // Application extension: loop forever.
        w.Write([0x21, 0xFF, 0x0B]);
        w.Write("NETSCAPE2.0"u8);
        w.Write([0x03, 0x01, 0x00, 0x00, 0x00]);
        int minCodeSize = Math.Max(2, bits);
        foreach (byte[] frame in frames)
        {
            w.Write([0x21, 0xF9, 0x04, 0x00]);
            w.Write((ushort)delayCentiseconds);
            w.Write([0x00, 0x00]); // transparent index (unused), block terminator
            w.Write((byte)0x2C);
            w.Write((ushort)0); w.Write((ushort)0);
            w.Write((ushort)width); w.Write((ushort)height);
            w.Write((byte)0); // no local table, not interlaced
            w.Write((byte)minCodeSize);
            byte[] data = Lzw(frame, minCodeSize);
            for (int i = 0; i < data.Length; i += 255)
            {
                int n = Math.Min(255, data.Length - i);
                w.Write((byte)n);
                w.Write(data, i, n);
            }
            w.Write((byte)0);
        }
        w.Write((byte)0x3B);
        w.Flush();
    }

    /// <summary>GIF-flavoured LZW: codes are written least-significant bit first, the width grows when the
    /// decoder's table (one entry behind the encoder's) needs it, and a clear code restarts a full table.</summary>
    internal static byte[] Lzw(ReadOnlySpan<byte> pixels, int minCodeSize)
    {
        int clear = 1 << minCodeSize, eoi = clear + 1, alphabet = clear;
        // children[code * alphabet + symbol] = code of (string(code) + symbol), 0 = none (0 is never a child).
        var children = new short[MaxCodes * alphabet];
        var output = new LzwBitWriter();
        int codeSize = minCodeSize + 1, next = eoi + 1;
        output.Put(clear, codeSize);
        if (pixels.Length == 0) { output.Put(eoi, codeSize); return output.ToArray(); }
        int prefix = pixels[0];
        for (int i = 1; i < pixels.Length; i++)
        {
            int k = pixels[i];
            if (k >= alphabet) throw new ArgumentException($"Pixel value {k} at {i} is outside the {alphabet}-colour palette.");
            int child = children[prefix * alphabet + k];
            if (child != 0) { prefix = child; continue; }
            output.Put(prefix, codeSize);
            if (next < MaxCodes)
            {
                children[prefix * alphabet + k] = (short)next++;
                if (next > (1 << codeSize) && codeSize < 12) codeSize++;
            }
            else
            {
                output.Put(clear, codeSize);
                Array.Clear(children);
                codeSize = minCodeSize + 1;
                next = eoi + 1;
            }
            prefix = k;
        }
        output.Put(prefix, codeSize);
        // The decoder adds an entry after reading that last code; match the width it will read EOI with.
        if (next == (1 << codeSize) && codeSize < 12) codeSize++;
        output.Put(eoi, codeSize);
        return output.ToArray();
    }
}
