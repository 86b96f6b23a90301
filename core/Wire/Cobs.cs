namespace TrpoEdge.Core.Wire;

/// <summary>Consistent Overhead Byte Stuffing (Cheshire &amp; Baker, 1999), canonical form: the
/// encoded bytes contain no 0x00, so 0x00 can delimit frames and a receiver resynchronises at
/// the next 0x00 after any garbage. Overhead is one byte per 254, at most.</summary>
public static class Cobs
{
    /// <summary>Exact worst-case encoded length of <paramref name="length"/> bytes (no delimiter).</summary>
    public static int MaxEncodedLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return length == 0 ? 1 : length + (length + 253) / 254;
    }

    /// <summary>Encodes <paramref name="source"/> into <paramref name="destination"/> (no delimiter)
    /// and returns the number of bytes written. The destination must hold
    /// <see cref="MaxEncodedLength"/> bytes.</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int need = MaxEncodedLength(source.Length);
        if (destination.Length < need)
            throw new ArgumentException($"COBS destination holds {destination.Length} bytes; encoding {source.Length} bytes needs up to {need}.", nameof(destination));

        int codeIndex = 0;
        int write = 1;
        byte code = 1;
        for (int i = 0; i < source.Length; i++)
        {
            byte b = source[i];
            if (b != 0)
            {
                destination[write++] = b;
                code++;
            }
            if (b == 0 || code == 0xFF)
            {
                destination[codeIndex] = code;
                code = 1;
                codeIndex = write;
                // A full block that ends the input needs no trailing code byte (canonical COBS).
                if (b == 0 || i + 1 < source.Length) write++;
            }
        }
        if (codeIndex < write) destination[codeIndex] = code;
        return write;
    }

    /// <summary>Decodes one COBS block sequence (without its delimiter). Returns false, writing
    /// nothing meaningful, for input that no COBS encoder can produce (a 0x00 inside, a code that
    /// runs past the end) or that does not fit <paramref name="destination"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        written = 0;
        int read = 0;
        int write = 0;
        while (read < source.Length)
        {
            byte code = source[read++];
            if (code == 0) return false;
            int run = code - 1;
            if (run > source.Length - read || run > destination.Length - write) return false;
            ReadOnlySpan<byte> block = source.Slice(read, run);
            if (block.Contains((byte)0)) return false;
            block.CopyTo(destination.Slice(write));
            read += run;
            write += run;
            if (code != 0xFF && read < source.Length)
            {
                if (write >= destination.Length) return false;
                destination[write++] = 0;
            }
        }
        written = write;
        return true;
    }
}
