namespace TrpoEdge.Runtime.Serial;

/// <summary>Opens serial ports: System.IO.Ports on Windows, the own termios port on Linux and macOS (see
/// <see cref="SerialPortImplementation"/>). 8 data bits, no parity, one stop bit, no flow control, raw,
/// exclusive.</summary>
public static class SerialPort
{
    /// <summary>Baud rates every supported OS can set by name.</summary>
    public static IReadOnlyList<int> StandardBaudRates { get; } =
        [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 2000000];

    /// <summary>What <see cref="SerialPortImplementation.Auto"/> means on this OS.</summary>
    public static SerialPortImplementation Default =>
        OperatingSystem.IsWindows() ? SerialPortImplementation.SystemIOPorts : SerialPortImplementation.Termios;

    /// <summary>Opens <paramref name="portName"/> ("/dev/ttyUSB0", "/dev/tty.usbmodem1101", "COM3")
    /// at <paramref name="baudRate"/>. Throws <see cref="SerialPortException"/> naming the port and
    /// the remedy for a missing device, a busy port or missing permission.</summary>
    public static ISerialPort Open(string portName, int baudRate, SerialPortImplementation implementation = SerialPortImplementation.Auto)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(portName);
        if (!StandardBaudRates.Contains(baudRate))
            throw new ArgumentOutOfRangeException(nameof(baudRate), baudRate,
                $"Unsupported baud rate {baudRate} for {portName}; use one of {string.Join(", ", StandardBaudRates)} (--baud).");
        if (implementation == SerialPortImplementation.Auto) implementation = Default;
        if (implementation == SerialPortImplementation.SystemIOPorts)
        {
#if SYSTEM_IO_PORTS
            return SystemSerialPort.Open(portName, baudRate);
#else
            throw new PlatformNotSupportedException("This build (the edge publish, SerialSystemIOPorts=false) carries the termios serial port only; "
                + $"System.IO.Ports is in the Windows build and the portable (dotnet) build. Use {nameof(SerialPortImplementation.Termios)}.");
#endif
        }
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
            return UnixSerialPort.Open(portName, baudRate);
        throw new PlatformNotSupportedException($"The termios serial port runs on Linux and macOS, not {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; use {nameof(SerialPortImplementation.SystemIOPorts)}.");
    }
}
