using System.Runtime.InteropServices;
using static TrpoEdge.Emulator.PtyNative;

namespace TrpoEdge.Emulator;

/// <summary>A pseudo-terminal whose slave side (/dev/pts/N) a host opens as if it were the rig's USB
/// serial port. The master side is raw and non-blocking. The emulator also keeps one slave
/// descriptor open itself, so a host that closes (or dies) and reopens finds the same device and
/// the master never sees a hang-up.</summary>
public sealed unsafe class PseudoTerminal : IByteLink, IDisposable
{
    private int _master;
    private int _keeper;

    private PseudoTerminal(int master, int keeper, string slavePath, string? linkPath)
    {
        _master = master;
        _keeper = keeper;
        SlavePath = slavePath;
        LinkPath = linkPath;
    }

    /// <summary>The device a host opens, e.g. /dev/pts/3.</summary>
    public string SlavePath { get; }
    /// <summary>A symbolic link to <see cref="SlavePath"/>, when one was asked for.</summary>
    public string? LinkPath { get; }
    /// <summary>What a host should open: the link if there is one.</summary>
    public string PortPath => LinkPath ?? SlavePath;
    /// <summary>Frames dropped because the host was not reading (its input queue was full).</summary>
    public long DroppedWrites { get; private set; }

    /// <summary>Opens a new pty. With <paramref name="linkPath"/>, (re)creates a symbolic link there.</summary>
    public static PseudoTerminal Open(string? linkPath = null)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("The virtual rig needs a Unix pseudo-terminal; on Windows use a com0com pair or run it under WSL.");
        // open("/dev/ptmx") is what posix_openpt does on Linux and macOS; calling it directly lets the
        // master be non-blocking from the start, so a host that stops reading never stalls the rig.
        int master = PtyNative.Open("/dev/ptmx", O_RDWR | O_NOCTTY | O_NONBLOCK);
        if (master < 0) master = PosixOpenPt(O_RDWR | O_NOCTTY);
        if (master < 0) throw Error("posix_openpt");
        int keeper = -1;
        try
        {
            if (GrantPt(master) != 0) throw Error("grantpt");
            if (UnlockPt(master) != 0) throw Error("unlockpt");
            nint name = PtsName(master);
            if (name == 0) throw Error("ptsname");
            string slave = Marshal.PtrToStringUTF8(name)!;
            MakeRaw(master); // before anyone opens the slave: no echo, no line editing, no CR/LF mangling
            keeper = PtyNative.Open(slave, O_RDWR | O_NOCTTY | O_NONBLOCK);
            if (keeper < 0) throw Error($"open({slave})");
            if (linkPath is not null)
            {
                if (IsStaleLink(linkPath)) File.Delete(linkPath);
                File.CreateSymbolicLink(linkPath, slave);
            }
            return new PseudoTerminal(master, keeper, slave, linkPath);
        }
        catch
        {
            if (keeper >= 0) PtyNative.Close(keeper);
            PtyNative.Close(master);
            throw;
        }
    }

    /// <summary>The link path may only be free or hold a link to a pty device that an earlier emulator left behind
    /// (killed before it could remove it). Anything else there belongs to the user: the emulator would replace it
    /// with its link and delete that on exit, so it refuses instead.</summary>
    private static bool IsStaleLink(string linkPath)
    {
        var info = new FileInfo(linkPath);
        string? target = info.LinkTarget;
        if (target is null)
        {
            if (!info.Exists && !Directory.Exists(linkPath)) return false;
            throw new IOException($"--pty {linkPath}: that path already exists and is not a pty link; the emulator would replace it "
                + "with a symbolic link and delete it on exit. Give a path that does not exist yet, e.g. /tmp/rig.");
        }
        if (target.StartsWith("/dev/pts/", StringComparison.Ordinal) || target.StartsWith("/dev/ttys", StringComparison.Ordinal)) return true;
        throw new IOException($"--pty {linkPath}: that path is a symbolic link to {target}, not to a pty; "
            + "give a path that does not exist yet, e.g. /tmp/rig.");
    }

    private static void MakeRaw(int fd)
    {
        byte* t = stackalloc byte[256];
        if (TcGetAttr(fd, t) != 0) throw Error("tcgetattr(pty)");
        CfMakeRaw(t);
        if (TcSetAttr(fd, TCSANOW, t) != 0) throw Error("tcsetattr(pty)");
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        int fd = Master();
        int ms = timeout <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(timeout.TotalMilliseconds);
        var p = new PollFd { Fd = fd, Events = POLLIN };
        int r = Poll(&p, 1, ms);
        if (r <= 0 || (p.Revents & POLLIN) == 0)
        {
            if (r > 0) Thread.Sleep(Math.Min(ms, 1)); // a hang-up without data: do not spin
            return 0;
        }
        fixed (byte* b = buffer)
        {
            nint n = PtyNative.Read(fd, b, buffer.Length);
            return n > 0 ? (int)n : 0;
        }
    }

    public bool Write(ReadOnlySpan<byte> data)
    {
        int fd = Master();
        fixed (byte* b = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                var p = new PollFd { Fd = fd, Events = POLLOUT };
                // A frame is written whole or not at all: half a frame would only cost the host a CRC error,
                // but a whole dropped frame is the honest model of a full buffer.
                if (Poll(&p, 1, done == 0 ? 0 : 50) <= 0 || (p.Revents & POLLOUT) == 0)
                {
                    DroppedWrites++;
                    return false;
                }
                nint n = PtyNative.Write(fd, b + done, data.Length - done);
                if (n > 0) { done += (int)n; continue; }
                int e = Marshal.GetLastPInvokeError();
                if (e == EINTR || e == EAGAIN) continue;
                DroppedWrites++;
                return false;
            }
        }
        return true;
    }

    public void Dispose()
    {
        int m = Interlocked.Exchange(ref _master, -1);
        int k = Interlocked.Exchange(ref _keeper, -1);
        if (k >= 0) PtyNative.Close(k);
        if (m >= 0) PtyNative.Close(m);
        // Only our own link goes: if someone replaced it with a file of their own meanwhile, it stays.
        if (LinkPath is not null && new FileInfo(LinkPath).LinkTarget == SlavePath)
        {
            try { File.Delete(LinkPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private int Master()
    {
        int fd = Volatile.Read(ref _master);
        ObjectDisposedException.ThrowIf(fd < 0, this);
        return fd;
    }

    private static IOException Error(string call)
    {
        int e = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed while creating the virtual rig's pseudo-terminal: {Describe(e)}. Is /dev/pts mounted (containers need it)?");
    }
}
