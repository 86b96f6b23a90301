namespace TrpoEdge.Runtime.Serial;

/// <summary>A serial port could not be opened or used. The message says which port, what the
/// operating system said, and what to do.</summary>
public class SerialPortException : IOException
{
    public SerialPortException(string message, int nativeError = 0, Exception? inner = null)
        : base(message, inner)
    {
        NativeError = nativeError;
    }

    /// <summary>errno (Unix) or GetLastError (Windows); 0 when not from the OS.</summary>
    public int NativeError { get; }
}
