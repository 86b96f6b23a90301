using System.Diagnostics;
using TrpoEdge.Emulator;
using TrpoEdge.Runtime.Serial;

namespace TrpoEdge.Hardware.Tests.Serial;

/// <summary>Both port implementations — the own termios port and System.IO.Ports — against a real
/// pseudo-terminal (the same kernel tty layer a USB serial adapter goes through).</summary>
public sealed class SerialPortTests
{
    private static byte[] ReadExactly(Func<byte[], int> read, int count)
    {
        var got = new List<byte>();
        var buf = new byte[4096];
        var sw = Stopwatch.StartNew();
        while (got.Count < count && sw.ElapsedMilliseconds < 5000)
        {
            int n = read(buf);
            got.AddRange(buf.AsSpan(0, n).ToArray());
        }
        return got.ToArray();
    }

    public static TheoryData<SerialPortImplementation> Implementations =>
        new() { SerialPortImplementation.Termios, SerialPortImplementation.SystemIOPorts };

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Bytes_cross_a_pty_unchanged_in_both_directions_including_zeros_and_control_characters(SerialPortImplementation impl)
    {
        using var pty = PseudoTerminal.Open();
        using ISerialPort port = SerialPort.Open(pty.SlavePath, 115200, impl);
        // Every byte value, twice: raw mode must not translate CR/LF, eat XON/XOFF or echo.
        byte[] data = [.. Enumerable.Range(0, 256).Select(i => (byte)i), .. Enumerable.Range(0, 256).Select(i => (byte)(255 - i))];

        port.Write(data);
        Assert.Equal(data, ReadExactly(b => pty.Read(b, TimeSpan.FromMilliseconds(50)), data.Length));

        Assert.True(pty.Write(data));
        Assert.Equal(data, ReadExactly(b => port.Read(b, TimeSpan.FromMilliseconds(50)), data.Length));
        // and nothing came back as an echo
        Assert.Equal(0, pty.Read(new byte[16], TimeSpan.FromMilliseconds(20)));
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_read_with_nothing_to_read_returns_zero_after_about_the_timeout(SerialPortImplementation impl)
    {
        using var pty = PseudoTerminal.Open();
        using ISerialPort port = SerialPort.Open(pty.SlavePath, 115200, impl);
        var sw = Stopwatch.StartNew();
        Assert.Equal(0, port.Read(new byte[8], TimeSpan.FromMilliseconds(80)));
        Assert.InRange(sw.ElapsedMilliseconds, 70, 1000);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_missing_device_is_reported_with_the_path_and_where_to_look(SerialPortImplementation impl)
    {
        // System.IO.Ports alone would say "Access to the port is denied".
        var e = Assert.Throws<SerialPortException>(() => SerialPort.Open("/dev/ttyUSB-trpoedge-missing", 115200, impl));
        Assert.Contains("/dev/ttyUSB-trpoedge-missing does not exist", e.Message);
        Assert.Contains("ls /dev/ttyUSB*", e.Message);
        Assert.Equal(2, e.NativeError);
    }

    [Theory]
    [InlineData(SerialPortImplementation.Termios, SerialPortImplementation.Termios)]
    [InlineData(SerialPortImplementation.SystemIOPorts, SerialPortImplementation.SystemIOPorts)]
    [InlineData(SerialPortImplementation.Termios, SerialPortImplementation.SystemIOPorts)]
    [InlineData(SerialPortImplementation.SystemIOPorts, SerialPortImplementation.Termios)]
    public void A_second_open_of_the_same_port_is_refused_as_busy_and_the_port_reopens_after_close(SerialPortImplementation first, SerialPortImplementation second)
    {
        // As root (CI) TIOCEXCL stops nobody and System.IO.Ports takes no lock of its own: the flock both take does.
        using var pty = PseudoTerminal.Open();
        ISerialPort opened = SerialPort.Open(pty.SlavePath, 115200, first);
        var e = Assert.Throws<SerialPortException>(() => SerialPort.Open(pty.SlavePath, 115200, second));
        Assert.Contains("is busy", e.Message);
        opened.Dispose();
        using ISerialPort again = SerialPort.Open(pty.SlavePath, 115200, second);
        Assert.Equal(pty.SlavePath, again.PortName);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_file_that_is_not_a_tty_is_refused_as_not_a_serial_device(SerialPortImplementation impl)
    {
        var e = Assert.Throws<SerialPortException>(() => SerialPort.Open("/dev/null", 115200, impl));
        Assert.Contains("/dev/null is not a serial", e.Message);
    }

    [Fact]
    public void Permission_denied_carries_the_dialout_hint()
    {
        // As root (CI) open() never fails with EACCES, so the errno-to-message mapping is checked directly.
        SerialPortException e = UnixSerialPort.OpenError("/dev/ttyACM0", 13);
        Assert.Contains("Permission denied opening /dev/ttyACM0", e.Message);
        Assert.Contains("usermod -aG dialout", e.Message);
        Assert.Contains("is busy", UnixSerialPort.OpenError("/dev/ttyACM0", 16).Message);
    }

    [Fact]
    public void On_windows_system_io_ports_access_denied_and_file_not_found_are_told_as_busy_and_missing()
    {
        // What .NET throws on Windows for a COM port another program holds (ERROR_ACCESS_DENIED) and for one that
        // does not exist (seen under Wine: FileNotFoundException "Could not find file 'COM9'"). Wine does not make
        // COM ports exclusive, so the busy case is checked on the mapping.
        SerialPortException busy = SystemSerialPort.OpenError("COM3", new UnauthorizedAccessException("Access to the path 'COM3' is denied."), windows: true);
        Assert.Contains("Serial port COM3 is busy: another program has it open", busy.Message);
        SerialPortException missing = SystemSerialPort.OpenError("COM9", new FileNotFoundException("Could not find file 'COM9'."), windows: true);
        Assert.Contains("Serial port COM9 does not exist", missing.Message);
        Assert.Contains("Device Manager", missing.Message);
        Assert.IsType<UnauthorizedAccessException>(busy.InnerException);
    }

    [Fact]
    public void An_unsupported_baud_rate_lists_the_supported_ones()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SerialPort.Open("/dev/null", 12345));
        Assert.Contains("115200", e.Message);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void A_device_that_disappears_mid_run_raises_serial_port_lost_on_read(SerialPortImplementation impl)
    {
        var pty = PseudoTerminal.Open();
        using ISerialPort port = SerialPort.Open(pty.SlavePath, 115200, impl);
        Assert.True(pty.Write([1, 2, 3]));
        Assert.Equal(3, ReadExactly(b => port.Read(b, TimeSpan.FromMilliseconds(50)), 3).Length);
        pty.Dispose(); // the "USB cable" is pulled: the master side closes
        Assert.Throws<SerialPortLostException>(() => port.Read(new byte[8], TimeSpan.FromMilliseconds(200)));
    }
}
