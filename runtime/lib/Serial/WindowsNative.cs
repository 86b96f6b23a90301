using System.Runtime.InteropServices;

namespace TrpoEdge.Runtime.Serial;

/// <summary>kernel32 calls for a COM port. Compiled on every OS, called only on Windows.</summary>
internal static unsafe partial class WindowsNative
{
    public const uint GENERIC_READ = 0x80000000, GENERIC_WRITE = 0x40000000, OPEN_EXISTING = 3;
    public const uint PURGE_TXCLEAR = 0x4, PURGE_RXCLEAR = 0x8;
    public const uint MAXDWORD = 0xFFFFFFFF;
    public const int ERROR_FILE_NOT_FOUND = 2, ERROR_PATH_NOT_FOUND = 3, ERROR_ACCESS_DENIED = 5,
        ERROR_BAD_COMMAND = 22, ERROR_GEN_FAILURE = 31, ERROR_SHARING_VIOLATION = 32,
        ERROR_OPERATION_ABORTED = 995, ERROR_DEVICE_NOT_CONNECTED = 1167, ERROR_DEVICE_REMOVED = 1617;

    /// <summary>DCB, 28 bytes. Bit fields live in <see cref="Flags"/>: fBinary (bit 0) must be 1,
    /// fDtrControl (bits 4-5) = 1 keeps DTR asserted (toggling it resets an Arduino).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Dcb
    {
        public uint DCBlength;
        public uint BaudRate;
        public uint Flags;
        public ushort wReserved;
        public ushort XonLim;
        public ushort XoffLim;
        public byte ByteSize;
        public byte Parity;
        public byte StopBits;
        public byte XonChar;
        public byte XoffChar;
        public byte ErrorChar;
        public byte EofChar;
        public byte EvtChar;
        public ushort wReserved1;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CommTimeouts
    {
        public uint ReadIntervalTimeout;
        public uint ReadTotalTimeoutMultiplier;
        public uint ReadTotalTimeoutConstant;
        public uint WriteTotalTimeoutMultiplier;
        public uint WriteTotalTimeoutConstant;
    }

    [LibraryImport("kernel32", EntryPoint = "CreateFileW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    public static partial nint CreateFile(string name, uint access, uint share, nint security, uint creation, uint flags, nint template);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool CloseHandle(nint handle);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool GetCommState(nint handle, Dcb* dcb);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool SetCommState(nint handle, Dcb* dcb);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool SetCommTimeouts(nint handle, CommTimeouts* timeouts);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool PurgeComm(nint handle, uint flags);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool ReadFile(nint handle, byte* buffer, uint count, uint* read, nint overlapped);

    [LibraryImport("kernel32", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static partial bool WriteFile(nint handle, byte* buffer, uint count, uint* written, nint overlapped);
}
