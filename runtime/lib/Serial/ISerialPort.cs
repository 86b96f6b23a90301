namespace TrpoEdge.Runtime.Serial;

/// <summary>A byte pipe to a serial device. Implementations: System.IO.Ports (Windows) and termios (Linux,
/// macOS), chosen by <see cref="SerialPort.Open"/>; tests may substitute their own.</summary>
public interface ISerialPort : IDisposable
{
    /// <summary>The device as the user named it, e.g. "/dev/ttyUSB0" or "COM3".</summary>
    string PortName { get; }
    int BaudRate { get; }

    /// <summary>Reads what is available, waiting at most <paramref name="timeout"/> for the first
    /// byte. Returns 0 on timeout. Throws <see cref="SerialPortLostException"/> when the device has
    /// gone (unplugged, the other end of a pty closed).</summary>
    int Read(Span<byte> buffer, TimeSpan timeout);

    /// <summary>Writes all of <paramref name="data"/> (waiting while the driver's buffer is full, up
    /// to one second). Throws <see cref="SerialPortLostException"/> when the device has gone.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>Drops bytes received but not yet read (stale frames from before a restart). Bytes
    /// written and not yet sent are kept: they may be a STOP.</summary>
    void DiscardInput();
}
