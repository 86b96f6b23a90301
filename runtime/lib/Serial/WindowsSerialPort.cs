using System.Runtime.InteropServices;
using static TrpoEdge.Runtime.Serial.WindowsNative;

namespace TrpoEdge.Runtime.Serial;

/// <summary>kernel32 COM port: CreateFileW on \\.\COMn (exclusive by nature), DCB for 8N1 without
/// flow control, COMMTIMEOUTS so a read returns at once when bytes are waiting and otherwise waits
/// up to the caller's timeout for the first one.</summary>
internal sealed unsafe class WindowsSerialPort : ISerialPort
{
    private nint _handle;
    private uint _readTimeoutMs = uint.MaxValue;

    private WindowsSerialPort(nint handle, string portName, int baudRate)
    {
        _handle = handle;
        PortName = portName;
        BaudRate = baudRate;
    }

    public string PortName { get; }
    public int BaudRate { get; }

    public static WindowsSerialPort Open(string portName, int baud)
    {
        // COM10 and above only open through the device namespace; it works for COM1-9 as well.
        string device = portName.StartsWith(@"\\.\", StringComparison.Ordinal) ? portName : @"\\.\" + portName;
        nint h = CreateFile(device, GENERIC_READ | GENERIC_WRITE, 0, 0, OPEN_EXISTING, 0, 0);
        if (h == -1)
        {
            int e = Marshal.GetLastPInvokeError();
            throw e switch
            {
                ERROR_FILE_NOT_FOUND or ERROR_PATH_NOT_FOUND => new SerialPortException(
                    $"Serial port {portName} does not exist (Windows error {e}). Is the rig plugged in? Device Manager → Ports (COM & LPT) lists the ports.", e),
                ERROR_ACCESS_DENIED or ERROR_SHARING_VIOLATION => new SerialPortException(
                    $"Serial port {portName} is busy or access is denied (Windows error {e}): another program has it open. Close it (Arduino IDE serial monitor, another runtime).", e),
                _ => new SerialPortException($"Could not open serial port {portName}: Windows error {e} ({Marshal.GetPInvokeErrorMessage(e)}).", e),
            };
        }
        try
        {
            var dcb = new Dcb { DCBlength = (uint)sizeof(Dcb) };
            if (!GetCommState(h, &dcb)) throw Fail(portName, "GetCommState");
            dcb.BaudRate = (uint)baud;
            dcb.Flags = 0x1 | (0x1 << 4); // fBinary, DTR on; no parity check, no RTS/CTS, no XON/XOFF
            dcb.ByteSize = 8;
            dcb.Parity = 0;   // NOPARITY
            dcb.StopBits = 0; // ONESTOPBIT
            if (!SetCommState(h, &dcb)) throw Fail(portName, $"SetCommState ({baud} baud)");
            PurgeComm(h, PURGE_RXCLEAR | PURGE_TXCLEAR);
            var port = new WindowsSerialPort(h, portName, baud);
            port.SetReadTimeout(0);
            return port;
        }
        catch
        {
            CloseHandle(h);
            throw;
        }
    }

    private void SetReadTimeout(uint ms)
    {
        if (ms == _readTimeoutMs) return;
        // MAXDWORD / MAXDWORD / constant: return at once with what is buffered, else wait up to
        // `constant` ms for the first byte. Constant 0 with interval MAXDWORD: never wait.
        var t = ms == 0
            ? new CommTimeouts { ReadIntervalTimeout = MAXDWORD, WriteTotalTimeoutConstant = 1000 }
            : new CommTimeouts { ReadIntervalTimeout = MAXDWORD, ReadTotalTimeoutMultiplier = MAXDWORD, ReadTotalTimeoutConstant = ms, WriteTotalTimeoutConstant = 1000 };
        if (!SetCommTimeouts(Handle(), &t)) throw Fail(PortName, "SetCommTimeouts");
        _readTimeoutMs = ms;
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        if (buffer.IsEmpty) return 0;
        SetReadTimeout(timeout <= TimeSpan.Zero ? 0 : (uint)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, MAXDWORD - 1));
        uint read;
        fixed (byte* b = buffer)
            if (!ReadFile(Handle(), b, (uint)buffer.Length, &read, 0)) throw Fail(PortName, "ReadFile");
        return (int)read;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        fixed (byte* b = data)
        {
            uint done = 0;
            while (done < data.Length)
            {
                uint n;
                if (!WriteFile(Handle(), b + done, (uint)data.Length - done, &n, 0)) throw Fail(PortName, "WriteFile");
                if (n == 0)
                    throw new SerialPortException($"Writing to {PortName} stalled for 1 s with {data.Length - done} bytes unsent: the device is not reading. Check the baud rate ({BaudRate}).");
                done += n;
            }
        }
    }

    public void DiscardInput() => PurgeComm(Handle(), PURGE_RXCLEAR);

    public void Dispose()
    {
        nint h = Interlocked.Exchange(ref _handle, 0);
        if (h != 0) CloseHandle(h);
    }

    private nint Handle()
    {
        nint h = _handle;
        ObjectDisposedException.ThrowIf(h == 0, this);
        return h;
    }

    private static SerialPortException Fail(string port, string call)
    {
        int e = Marshal.GetLastPInvokeError();
        return e is ERROR_ACCESS_DENIED or ERROR_BAD_COMMAND or ERROR_GEN_FAILURE or ERROR_OPERATION_ABORTED
            or ERROR_DEVICE_NOT_CONNECTED or ERROR_DEVICE_REMOVED
            ? new SerialPortLostException($"Serial port {port} was lost ({call}: Windows error {e}): the device was unplugged or reset. Check the cable, then restart.", e)
            : new SerialPortException($"{call} on {port} failed: Windows error {e} ({Marshal.GetPInvokeErrorMessage(e)}).", e);
    }
}
