using System.Runtime.InteropServices;

namespace TrpoEdge.Runtime.Serial;

/// <summary>The few libc calls a termios serial port needs, with the constants that differ between
/// Linux (glibc's generic layout, x86-64 and aarch64) and macOS. struct termios is handled as an
/// opaque buffer (tcgetattr fills it, cfmakeraw edits it) so only the c_cflag and c_cc offsets
/// need to be known.</summary>
internal static unsafe partial class UnixNative
{
    private const string Libc = "libc";

    public static readonly bool IsMac = OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();

    public static int O_RDWR => 2;
    public static int O_NOCTTY => IsMac ? 0x20000 : 0x100;
    public static int O_NONBLOCK => IsMac ? 0x4 : 0x800;
    public static int O_CLOEXEC => IsMac ? 0x1000000 : 0x80000;
    public static nuint TIOCEXCL => IsMac ? (nuint)0x2000740Du : 0x540Cu;
    public static nuint TIOCNXCL => IsMac ? (nuint)0x2000740Eu : 0x540Du;
    public const int LOCK_EX = 2, LOCK_NB = 4;
    public const int TCSANOW = 0;
    public static int TCIFLUSH => IsMac ? 1 : 0;
    public static int TCIOFLUSH => IsMac ? 3 : 2;
    public const short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

    // errno values shared by Linux and macOS, except EAGAIN.
    public const int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, EACCES = 13, EBUSY = 16, ENODEV = 19, ENOTTY = 25;
    public static int EAGAIN => IsMac ? 35 : 11;

    /// <summary>Larger than any struct termios (Linux 60 bytes, macOS 72).</summary>
    public const int TermiosBufferSize = 256;
    public static int CflagOffset => IsMac ? 16 : 8;
    public static int CflagSize => IsMac ? 8 : 4;
    public static int CcOffset => IsMac ? 32 : 17;
    public static int VMIN => IsMac ? 16 : 6;
    public static int VTIME => IsMac ? 17 : 5;
    public static ulong CLOCAL => IsMac ? 0x8000u : 0x800u;
    public static ulong CREAD => IsMac ? 0x800u : 0x80u;
    public static ulong CSTOPB => IsMac ? 0x400u : 0x40u;
    public static ulong CRTSCTS => IsMac ? 0x30000u : 0x80000000u;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request);

    [LibraryImport(Libc, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport(Libc, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport(Libc, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int optionalActions, byte* termios);

    [LibraryImport(Libc, EntryPoint = "tcflush", SetLastError = true)]
    public static partial int TcFlush(int fd, int queueSelector);

    [LibraryImport(Libc, EntryPoint = "cfmakeraw")]
    public static partial void CfMakeRaw(byte* termios);

    // speed_t is unsigned int on Linux, unsigned long on macOS.
    [LibraryImport(Libc, EntryPoint = "cfsetspeed", SetLastError = true)]
    public static partial int CfSetSpeedLinux(byte* termios, uint speed);

    [LibraryImport(Libc, EntryPoint = "cfsetspeed", SetLastError = true)]
    public static partial int CfSetSpeedMac(byte* termios, nuint speed);

    /// <summary>Linux speed_t codes (termios-baud.h); macOS takes the rate itself.</summary>
    public static uint LinuxSpeed(int baud) => baud switch
    {
        1200 => 9, 2400 => 11, 4800 => 12, 9600 => 13, 19200 => 14, 38400 => 15,
        57600 => 4097, 115200 => 4098, 230400 => 4099, 460800 => 4100, 500000 => 4101,
        576000 => 4102, 921600 => 4103, 1000000 => 4104, 2000000 => 4107,
        _ => throw new ArgumentOutOfRangeException(nameof(baud), baud, "No Linux speed code for this rate."),
    };

    public static string Describe(int errno) => $"errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}";
}
