namespace TrpoEdge.Emulator;

/// <summary>The rig's side of a byte stream (a pty master here; a socket or a broker topic later).</summary>
public interface IByteLink
{
    /// <summary>Returns the bytes read (0 on timeout), waiting at most <paramref name="timeout"/>.</summary>
    int Read(Span<byte> buffer, TimeSpan timeout);

    /// <summary>Writes a whole frame, or drops it and returns false when nobody is draining the link
    /// (a real UART would overrun the same way).</summary>
    bool Write(ReadOnlySpan<byte> data);
}
