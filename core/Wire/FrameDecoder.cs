using System.Buffers.Binary;

namespace TrpoEdge.Core.Wire;

/// <summary>Streaming frame decoder: feed it whatever the port returned and take frames out.
/// Bytes accumulate until a 0x00; then the chunk must COBS-decode, be long enough, match its
/// CRC-32C, carry version 1, a known type and a payload of exactly the right length. Anything
/// else is dropped and counted, so a corrupted frame never reaches the caller — in particular it
/// is never decoded into an action. A chunk longer than a frame can be is dropped as oversize
/// and the decoder resynchronises at the next 0x00. Allocates nothing after construction.</summary>
public sealed class FrameDecoder
{
    private readonly byte[] _encoded = new byte[WireProtocol.MaxEncodedLength];
    private readonly byte[] _frame = new byte[WireProtocol.MaxFrameLength];
    private int _count;
    private bool _overflow;
    private long _decoded, _crc, _framing, _oversize, _malformed, _version;

    public FrameDecoderStats Stats => new(_decoded, _crc, _framing, _oversize, _malformed, _version);

    /// <summary>Consumes bytes from <paramref name="input"/> until one valid frame is complete
    /// (returns true; <paramref name="input"/> is advanced past it) or the input is used up
    /// (returns false; a partial frame is kept for the next call). The frame is valid until the
    /// next call on this decoder.</summary>
    public bool TryDecode(scoped ref ReadOnlySpan<byte> input, out Frame frame)
    {
        while (!input.IsEmpty)
        {
            int zero = input.IndexOf(WireProtocol.Delimiter);
            ReadOnlySpan<byte> chunk = zero < 0 ? input : input[..zero];
            Append(chunk);
            if (zero < 0)
            {
                input = default;
                break;
            }
            input = input[(zero + 1)..];
            if (TryComplete(out frame)) return true;
        }
        frame = default;
        return false;
    }

    /// <summary>Forgets a partial frame (after reopening a port, say). Counters are kept.</summary>
    public void Reset()
    {
        _count = 0;
        _overflow = false;
    }

    private void Append(ReadOnlySpan<byte> chunk)
    {
        if (_overflow) return;
        if (chunk.Length > _encoded.Length - _count)
        {
            _overflow = true;
            return;
        }
        chunk.CopyTo(_encoded.AsSpan(_count));
        _count += chunk.Length;
    }

    private bool TryComplete(out Frame frame)
    {
        frame = default;
        int count = _count;
        bool overflow = _overflow;
        _count = 0;
        _overflow = false;
        if (overflow) { _oversize++; return false; }
        if (count == 0) return false; // back-to-back delimiters: an idle line, not an error
        if (!Cobs.TryDecode(_encoded.AsSpan(0, count), _frame, out int length)
            || length < WireProtocol.HeaderLength + WireProtocol.CrcLength)
        {
            _framing++;
            return false;
        }
        ReadOnlySpan<byte> bytes = _frame.AsSpan(0, length);
        int body = length - WireProtocol.CrcLength;
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[body..]) != Crc32C.Compute(bytes[..body]))
        {
            _crc++;
            return false;
        }
        if (bytes[0] >> 4 != WireProtocol.Version)
        {
            _version++;
            return false;
        }
        if (!Frame.IsWellFormed((MessageType)(bytes[0] & 0x0F), bytes[WireProtocol.HeaderLength..body]))
        {
            _malformed++;
            return false;
        }
        _decoded++;
        frame = new Frame(bytes);
        return true;
    }
}
