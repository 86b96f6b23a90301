using System.Runtime.InteropServices;
using static TrpoEdge.Runtime.Serial.UnixNative;

namespace TrpoEdge.Runtime.Serial;

/// <summary>termios serial port (Linux, macOS), opened the way .NET's own Unix implementation does:
/// open(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK), then exclusive (flock and TIOCEXCL), raw 8N1,
/// no flow control; reads wait in poll().</summary>
internal sealed unsafe class UnixSerialPort : ISerialPort
{
    private int _fd;

    private UnixSerialPort(int fd, string portName, int baudRate)
    {
        _fd = fd;
        PortName = portName;
        BaudRate = baudRate;
    }

    public string PortName { get; }
    public int BaudRate { get; }

    public static UnixSerialPort Open(string path, int baud)
    {
        int fd = UnixNative.Open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) throw OpenError(path, Marshal.GetLastPInvokeError());
        try
        {
            // flock first: TIOCEXCL does not stop root, an advisory lock stops every cooperating opener.
            if (Flock(fd, LOCK_EX | LOCK_NB) != 0)
            {
                int e = Marshal.GetLastPInvokeError();
                throw e == EAGAIN ? Busy(path, e) : new SerialPortException($"Could not lock serial port {path}: {Describe(e)}.", e);
            }
            if (Ioctl(fd, TIOCEXCL) != 0)
            {
                int e = Marshal.GetLastPInvokeError();
                throw e == ENOTTY ? NotATty(path, e) : new SerialPortException($"Could not make {path} exclusive (TIOCEXCL): {Describe(e)}.", e);
            }
            Configure(fd, path, baud);
            return new UnixSerialPort(fd, path, baud);
        }
        catch
        {
            UnixNative.Close(fd);
            throw;
        }
    }

    private static void Configure(int fd, string path, int baud)
    {
        byte* t = stackalloc byte[TermiosBufferSize];
        new Span<byte>(t, TermiosBufferSize).Clear();
        if (TcGetAttr(fd, t) != 0)
        {
            int e = Marshal.GetLastPInvokeError();
            throw e == ENOTTY ? NotATty(path, e) : new SerialPortException($"tcgetattr({path}) failed: {Describe(e)}.", e);
        }
        CfMakeRaw(t);
        ulong cflag = CflagSize == 8 ? *(ulong*)(t + CflagOffset) : *(uint*)(t + CflagOffset);
        cflag |= CLOCAL | CREAD;            // ignore modem lines, enable the receiver
        cflag &= ~(CSTOPB | CRTSCTS);       // one stop bit, no hardware flow control
        if (CflagSize == 8) *(ulong*)(t + CflagOffset) = cflag; else *(uint*)(t + CflagOffset) = (uint)cflag;
        // Non-blocking reads return what is there; poll() does the waiting.
        t[CcOffset + VMIN] = 0;
        t[CcOffset + VTIME] = 0;
        int rc = IsMac ? CfSetSpeedMac(t, (nuint)baud) : CfSetSpeedLinux(t, LinuxSpeed(baud));
        if (rc != 0)
        {
            int e = Marshal.GetLastPInvokeError();
            throw new SerialPortException($"{path} does not accept {baud} baud ({Describe(e)}); try 115200.", e);
        }
        if (TcSetAttr(fd, TCSANOW, t) != 0)
        {
            int e = Marshal.GetLastPInvokeError();
            throw new SerialPortException($"tcsetattr({path}) failed: {Describe(e)}.", e);
        }
        TcFlush(fd, TCIOFLUSH); // stale bytes from before we opened are not ours
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        int fd = Fd();
        if (buffer.IsEmpty) return 0;
        int ms = timeout <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
        var p = new PollFd { Fd = fd, Events = POLLIN };
        int r;
        while ((r = Poll(&p, 1, ms)) < 0)
        {
            int e = Marshal.GetLastPInvokeError();
            if (e != EINTR) throw new SerialPortException($"poll on {PortName} failed: {Describe(e)}.", e);
        }
        if (r == 0) return 0;
        if ((p.Revents & (POLLERR | POLLNVAL)) != 0 || (p.Revents & (POLLHUP | POLLIN)) == POLLHUP)
            throw Lost("hung up", p.Revents);
        fixed (byte* b = buffer)
        {
            while (true)
            {
                nint n = UnixNative.Read(fd, b, buffer.Length);
                if (n > 0) return (int)n;
                if (n == 0) return (p.Revents & POLLHUP) != 0 ? throw Lost("end of file after hang-up", p.Revents) : 0;
                int e = Marshal.GetLastPInvokeError();
                if (e == EINTR) continue;
                if (e == EAGAIN) return 0;
                if (e is EIO or ENXIO or ENODEV) throw Lost(Describe(e), e);
                throw new SerialPortException($"read from {PortName} failed: {Describe(e)}.", e);
            }
        }
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        int fd = Fd();
        fixed (byte* start = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = UnixNative.Write(fd, start + done, data.Length - done);
                if (n > 0) { done += (int)n; continue; }
                int e = Marshal.GetLastPInvokeError();
                if (n < 0 && e == EINTR) continue;
                if (n < 0 && e is EIO or ENXIO or ENODEV) throw Lost(Describe(e), e);
                if (n == 0 || e == EAGAIN)
                {
                    var p = new PollFd { Fd = fd, Events = POLLOUT };
                    int r = Poll(&p, 1, 1000);
                    if (r == 0)
                        throw new SerialPortException($"Writing to {PortName} stalled for 1 s with {data.Length - done} of {data.Length} bytes unsent: the device is not reading. Check the baud rate ({BaudRate}) and that the rig is running.");
                    if (r > 0 && (p.Revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) throw Lost("hung up while writing", p.Revents);
                    continue;
                }
                throw new SerialPortException($"write to {PortName} failed: {Describe(e)}.", e);
            }
        }
    }

    public void DiscardInput() => TcFlush(Fd(), TCIFLUSH);

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0) return;
        // Exclusivity is a property of the tty, not of our descriptor: if something else keeps the
        // device open (a pty's owner, a modem manager), it would outlive us and lock out the next opener.
        Ioctl(fd, TIOCNXCL);
        UnixNative.Close(fd);
    }

    private int Fd()
    {
        int fd = Volatile.Read(ref _fd);
        ObjectDisposedException.ThrowIf(fd < 0, this);
        return fd;
    }

    private SerialPortLostException Lost(string what, int code) =>
        new($"Serial port {PortName} was lost ({what}): the device was unplugged, reset, or the other end closed. Check the cable and the rig's power, then restart.", code);

    internal static SerialPortException OpenError(string path, int e) => e switch
    {
        ENOENT or ENXIO or ENODEV => new SerialPortException(
            $"Serial port {path} does not exist ({Describe(e)}). Is the rig plugged in and powered? List candidates with `ls /dev/ttyUSB* /dev/ttyACM*` (Linux) or `ls /dev/tty.usb*` (macOS).", e),
        EACCES or EPERM => new SerialPortException(
            $"Permission denied opening {path} ({Describe(e)}). Add your user to the 'dialout' group (`sudo usermod -aG dialout $USER`, then log out and back in); on Arch the group is 'uucp'.", e),
        EBUSY => Busy(path, e),
        _ => new SerialPortException($"Could not open serial port {path}: {Describe(e)}.", e),
    };

    private static SerialPortException Busy(string path, int e) => new(
        $"Serial port {path} is busy: another program has it open ({Describe(e)}). Close it (a serial monitor, another runtime or emulator client); `fuser {path}` shows which process.", e);

    internal static SerialPortException NotATty(string path, int e) => new(
        $"{path} is not a serial device ({Describe(e)}). Pass the rig's port, e.g. /dev/ttyUSB0 or /dev/ttyACM0.", e);
}
