using System.Runtime.InteropServices;

namespace TrpoEdge.Emulator;

/// <summary>The libc calls for the master side of a pseudo-terminal. hardware/ may not reference the
/// runtime's serial port, so this is its own, deliberately small, copy of the few calls needed.</summary>
internal static unsafe partial class PtyNative
{
    public static readonly bool IsMac = OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD();
    public static int O_RDWR => 2;
    public static int O_NOCTTY => IsMac ? 0x20000 : 0x100;
    public static int O_NONBLOCK => IsMac ? 0x4 : 0x800;
    public static int EAGAIN => IsMac ? 35 : 11;
    public const int EINTR = 4;
    public const int TCSANOW = 0;
    public const short POLLIN = 0x1, POLLOUT = 0x4;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "posix_openpt", SetLastError = true)]
    public static partial int PosixOpenPt(int flags);

    [LibraryImport("libc", EntryPoint = "grantpt", SetLastError = true)]
    public static partial int GrantPt(int fd);

    [LibraryImport("libc", EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int UnlockPt(int fd);

    [LibraryImport("libc", EntryPoint = "ptsname", SetLastError = true)]
    public static partial nint PtsName(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int optionalActions, byte* termios);

    [LibraryImport("libc", EntryPoint = "cfmakeraw")]
    public static partial void CfMakeRaw(byte* termios);

    public static string Describe(int errno) => $"errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}";
}
