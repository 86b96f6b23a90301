using System.Diagnostics;
using System.Runtime.InteropServices;
using Ports = System.IO.Ports;

namespace TrpoEdge.Runtime.Serial;

/// <summary>A serial port through System.IO.Ports: the implementation on Windows (<c>COM3</c>), and selectable
/// on Linux and macOS for comparison (<c>bench serial</c> prints both). 8N1, no flow control, DTR on.
/// <para>Reads keep their own deadline: they poll <see cref="Ports.SerialPort.BytesToRead"/> and read only what
/// is there, so a read never blocks inside the driver. <see cref="Ports.SerialPort.ReadTimeout"/> is not relied
/// on: .NET sets Windows' per-byte read multiplier to MAXDWORD, which Windows reads as "return once the first
/// byte is in" and Wine does not implement (a read with nothing to read never returns there). The wait between
/// polls yields for the first 0.2 ms, then sleeps 1 ms at a time (on Windows the sleep is as coarse as the
/// system timer).</para>
/// <para>Errors say what is true: .NET reports a missing device, a busy port and a tty that is not a serial
/// port alike, as "Access to the port is denied" on Unix and as access denied for a busy COM port on Windows.
/// On Unix the device is first opened here and locked with flock (as the termios port does), so the errno is
/// the real one and a second opener — of either implementation — is told the port is busy.</para></summary>
internal sealed class SystemSerialPort : ISerialPort
{
    private static readonly long YieldTicks = Stopwatch.Frequency / 5000; // 0.2 ms
    private readonly Ports.SerialPort _port;
    private readonly byte[] _scratch = new byte[4096];
    private int _guardFd;
    private bool _disposed;

    private SystemSerialPort(Ports.SerialPort port, int guardFd)
    {
        _port = port;
        _guardFd = guardFd;
    }

    public string PortName => _port.PortName;
    public int BaudRate => _port.BaudRate;

    public static SystemSerialPort Open(string portName, int baud)
    {
        int guard = OperatingSystem.IsWindows() ? -1 : UnixLock(portName);
        var port = new Ports.SerialPort(portName, baud, Ports.Parity.None, 8, Ports.StopBits.One)
        {
            Handshake = Ports.Handshake.None,
            // Windows: .NET would otherwise drive DTR low (fDtrControl disabled), which many boards read as
            // "host gone". Unix: the kernel raises DTR on open by itself, and setting it fails on a pty, which
            // has no modem lines (ENOTTY).
            DtrEnable = OperatingSystem.IsWindows(),
            // Writes of a few dozen bytes; a stalled write means the device is not reading.
            WriteTimeout = 1000,
            ReadBufferSize = 4096,
        };
        try
        {
            port.Open();
            port.DiscardInBuffer(); // stale bytes from before we opened are not ours
            return new SystemSerialPort(port, guard);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            if (guard >= 0) UnixNative.Close(guard);
            throw OpenError(portName, e, OperatingSystem.IsWindows());
        }
        catch
        {
            port.Dispose();
            if (guard >= 0) UnixNative.Close(guard);
            throw;
        }
    }

    /// <summary>Opens the device once more ourselves and takes the same advisory lock as the termios port: the
    /// open's errno says what is wrong when something is, and the lock makes a second opener fail as busy.</summary>
    private static int UnixLock(string path)
    {
        int fd = UnixNative.Open(path, UnixNative.O_RDWR | UnixNative.O_NOCTTY | UnixNative.O_CLOEXEC | UnixNative.O_NONBLOCK);
        if (fd < 0) throw UnixSerialPort.OpenError(path, Marshal.GetLastPInvokeError());
        if (UnixNative.Flock(fd, UnixNative.LOCK_EX | UnixNative.LOCK_NB) != 0)
        {
            int e = Marshal.GetLastPInvokeError();
            UnixNative.Close(fd);
            throw e == UnixNative.EAGAIN ? UnixSerialPort.OpenError(path, UnixNative.EBUSY)
                : new SerialPortException($"Could not lock serial port {path}: {UnixNative.Describe(e)}.", e);
        }
        unsafe
        {
            byte* termios = stackalloc byte[UnixNative.TermiosBufferSize];
            if (UnixNative.TcGetAttr(fd, termios) != 0)
            {
                int e = Marshal.GetLastPInvokeError();
                UnixNative.Close(fd);
                throw e == UnixNative.ENOTTY ? UnixSerialPort.NotATty(path, e) : new SerialPortException($"tcgetattr({path}) failed: {UnixNative.Describe(e)}.", e);
            }
        }
        return fd;
    }

    /// <summary>What .NET's exception means, said plainly (Windows; on Unix the lock above has already caught
    /// a missing or busy device).</summary>
    internal static SerialPortException OpenError(string portName, Exception e, bool windows) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => new SerialPortException(
            $"Serial port {portName} does not exist ({e.Message}). Is the rig plugged in and powered? "
            + (windows ? "Device Manager → Ports (COM & LPT) lists the ports." : "List candidates with `ls /dev/ttyUSB* /dev/ttyACM*`."), 0, e),
        UnauthorizedAccessException when windows => new SerialPortException(
            $"Serial port {portName} is busy: another program has it open (Windows said: {e.Message}). Close it (a serial monitor, the Arduino IDE, another runtime) and try again.", 0, e),
        ArgumentException => new SerialPortException(
            $"{portName} is not a serial port ({e.Message}). Pass the rig's port, e.g. COM3 on Windows or /dev/ttyUSB0 on Linux.", 0, e),
        _ => new SerialPortException($"Could not open serial port {portName}: {e.GetType().Name}: {e.Message}", 0, e),
    };

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty) return 0;
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (timeout <= TimeSpan.Zero ? 0 : (long)(timeout.TotalSeconds * Stopwatch.Frequency));
        while (true)
        {
            int available;
            try
            {
                available = _port.BytesToRead;
                if (available > 0)
                {
                    int n = _port.Read(_scratch, 0, Math.Min(available, Math.Min(buffer.Length, _scratch.Length)));
                    _scratch.AsSpan(0, n).CopyTo(buffer);
                    return n;
                }
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                throw Lost(e);
            }
            long now = Stopwatch.GetTimestamp();
            // .NET on Unix reports 0 bytes forever from a device that hung up; the guard descriptor sees it.
            if (now >= deadline || now - start < YieldTicks / 8) ThrowIfHungUp();
            if (now >= deadline) return 0;
            if (now - start < YieldTicks) Thread.Yield();
            else Thread.Sleep(1);
        }
    }

    private unsafe void ThrowIfHungUp()
    {
        int fd = Volatile.Read(ref _guardFd);
        if (fd < 0) return;
        var p = new UnixNative.PollFd { Fd = fd, Events = UnixNative.POLLIN };
        if (UnixNative.Poll(&p, 1, 0) > 0 && (p.Revents & (UnixNative.POLLHUP | UnixNative.POLLERR | UnixNative.POLLNVAL)) != 0)
            throw Lost(new IOException($"poll reported hang-up (revents 0x{p.Revents:x})"));
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int done = 0;
        try
        {
            while (done < data.Length)
            {
                int n = Math.Min(data.Length - done, _scratch.Length);
                // A separate buffer from the reads' would be needed if reads and writes came from two threads;
                // ISerialPort is used by one loop thread.
                data.Slice(done, n).CopyTo(_scratch);
                _port.Write(_scratch, 0, n);
                done += n;
            }
        }
        catch (TimeoutException)
        {
            throw new SerialPortException($"Writing to {PortName} stalled for 1 s with {data.Length - done} of {data.Length} bytes unsent: the device is not reading. Check the baud rate ({BaudRate}) and that the rig is running.");
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            throw Lost(e);
        }
    }

    public void DiscardInput()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            _port.DiscardInBuffer();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw Lost(e);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            _port.Dispose();
        }
        catch (IOException)
        {
            // Closing a port whose device is gone may fail; there is nothing left to release.
        }
        int fd = Interlocked.Exchange(ref _guardFd, -1);
        if (fd >= 0) UnixNative.Close(fd);
    }

    private SerialPortLostException Lost(Exception e) =>
        new($"Serial port {PortName} was lost ({e.GetType().Name}: {e.Message}): the device was unplugged, reset, or the other end closed. Check the cable and the rig's power, then restart.", 0, e);
}
