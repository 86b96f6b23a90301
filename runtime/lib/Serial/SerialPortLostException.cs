namespace TrpoEdge.Runtime.Serial;

/// <summary>The device went away while in use (EIO/ENXIO, a hang-up, a Windows device-removed
/// error): the cable was pulled, the board reset, or the other side of a pty closed. The port is
/// unusable; close it.</summary>
public sealed class SerialPortLostException : SerialPortException
{
    public SerialPortLostException(string message, int nativeError = 0, Exception? inner = null)
        : base(message, nativeError, inner)
    {
    }
}
