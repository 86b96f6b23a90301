namespace TrpoEdge.Runtime.Serial;

/// <summary>Which code talks to the serial device.</summary>
public enum SerialPortImplementation
{
    /// <summary>System.IO.Ports on Windows, the termios port on Linux and macOS (measured faster there:
    /// README, "bench serial").</summary>
    Auto,
    /// <summary>The own termios port (Linux, macOS): poll() and read() on the descriptor, nothing allocated per call.</summary>
    Termios,
    /// <summary>System.IO.Ports (every OS .NET supports).</summary>
    SystemIOPorts,
}
