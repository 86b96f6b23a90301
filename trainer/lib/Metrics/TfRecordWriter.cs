using System.Buffers.Binary;

namespace TrpoEdge.Trainer.Metrics;

/// <summary>
/// Writes TFRecord framing: for each record the little-endian uint64 length, the masked CRC-32C
/// of those 8 bytes, the data, and the masked CRC-32C of the data (all integers little-endian).
/// </summary>
public sealed class TfRecordWriter : IDisposable
{
    /// <summary>Bytes of framing around each record: 8 length + 4 + 4 CRCs.</summary>
    public const int FramingBytes = 16;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private bool _disposed;

    public TfRecordWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The TFRecord stream is not writable; open it with write access.", nameof(stream));
        }

        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Appends one record holding <paramref name="data"/>.</summary>
    public void WriteRecord(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(data));

        _stream.Write(header);
        _stream.Write(data);
        _stream.Write(footer);
    }

    /// <summary>
    /// Pushes buffered bytes to the operating system, so a run that crashes later still leaves
    /// every record written so far readable. No fsync: surviving a power cut is not worth its cost.
    /// </summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stream.Flush();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_leaveOpen)
        {
            _stream.Flush();
        }
        else
        {
            _stream.Dispose();
        }
    }
}
