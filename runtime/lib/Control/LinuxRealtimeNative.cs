using System.Runtime.InteropServices;

namespace TrpoEdge.Runtime.Control;

/// <summary>The libc calls behind real-time scheduling and absolute-deadline waits (Linux, glibc/musl on
/// x86-64 and aarch64: same numbers).</summary>
internal static unsafe partial class LinuxRealtimeNative
{
    private const string Libc = "libc";

    public const int SCHED_OTHER = 0, SCHED_FIFO = 1;
    /// <summary>Children forked by the loop's thread do not inherit the real-time policy.</summary>
    public const int SCHED_RESET_ON_FORK = 0x40000000;
    public const int MCL_CURRENT = 1, MCL_FUTURE = 2;
    public const int RLIMIT_MEMLOCK = 8, RLIMIT_RTPRIO = 14;
    public const int CLOCK_MONOTONIC = 1, TIMER_ABSTIME = 1;
    public const int TFD_CLOEXEC = 0x80000, TFD_TIMER_ABSTIME = 1;
    public const int EPERM = 1, EINTR = 4, ENOMEM = 12, EINVAL = 22;
    /// <summary>cpu_set_t for up to 1024 CPUs, as glibc defines it.</summary>
    public const int CpuSetBytes = 128;

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ITimerSpec
    {
        public TimeSpec Interval;
        public TimeSpec Value;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>pid 0: the calling thread (Linux schedules threads, not processes).</summary>
    [LibraryImport(Libc, EntryPoint = "sched_setscheduler", SetLastError = true)]
    public static partial int SchedSetScheduler(int pid, int policy, int* priority);

    [LibraryImport(Libc, EntryPoint = "sched_getscheduler", SetLastError = true)]
    public static partial int SchedGetScheduler(int pid);

    [LibraryImport(Libc, EntryPoint = "sched_getparam", SetLastError = true)]
    public static partial int SchedGetParam(int pid, int* priority);

    [LibraryImport(Libc, EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int pid, nuint size, byte* mask);

    [LibraryImport(Libc, EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static partial int SchedGetAffinity(int pid, nuint size, byte* mask);

    [LibraryImport(Libc, EntryPoint = "mlockall", SetLastError = true)]
    public static partial int MLockAll(int flags);

    [LibraryImport(Libc, EntryPoint = "munlockall", SetLastError = true)]
    public static partial int MUnlockAll();

    [LibraryImport(Libc, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRLimit(int resource, RLimit* limit);

    /// <summary>Returns 0 or an error number (not errno).</summary>
    [LibraryImport(Libc, EntryPoint = "clock_nanosleep")]
    public static partial int ClockNanoSleep(int clock, int flags, TimeSpec* request, TimeSpec* remaining);

    [LibraryImport(Libc, EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clock, TimeSpec* time);

    [LibraryImport(Libc, EntryPoint = "timerfd_create", SetLastError = true)]
    public static partial int TimerFdCreate(int clock, int flags);

    [LibraryImport(Libc, EntryPoint = "timerfd_settime", SetLastError = true)]
    public static partial int TimerFdSetTime(int fd, int flags, ITimerSpec* value, ITimerSpec* old);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    public static string Describe(int errno) => $"errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}";

    public static long MonotonicNs()
    {
        TimeSpec t;
        ClockGetTime(CLOCK_MONOTONIC, &t);
        return t.Seconds * 1_000_000_000L + t.Nanoseconds;
    }

    /// <summary>The CPUs this thread may run on.</summary>
    public static int[] AllowedCpus()
    {
        byte* mask = stackalloc byte[CpuSetBytes];
        new Span<byte>(mask, CpuSetBytes).Clear();
        if (SchedGetAffinity(0, CpuSetBytes, mask) != 0) return [];
        var cpus = new List<int>();
        for (int i = 0; i < CpuSetBytes * 8; i++)
            if ((mask[i >> 3] & (1 << (i & 7))) != 0) cpus.Add(i);
        return [.. cpus];
    }
}
