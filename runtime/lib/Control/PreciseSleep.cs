using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TrpoEdge.Runtime.Control;

/// <summary>Waits until a Stopwatch timestamp: sleeps in the OS until <c>spin</c> ticks before it, then
/// spins. Thread.Sleep only has millisecond resolution, so on Linux and macOS the coarse part uses
/// nanosleep (tens of microseconds of wake-up latency); on Windows it sleeps whole milliseconds.</summary>
internal static partial class PreciseSleep
{
    private static readonly bool s_posix = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep", SetLastError = false)]
    private static partial int NanoSleep(in TimeSpec request, IntPtr remaining);

    public static void Until(long deadlineTicks, long spinTicks, CancellationToken cancel)
    {
        while (true)
        {
            long remaining = deadlineTicks - Stopwatch.GetTimestamp() - spinTicks;
            if (remaining <= 0 || cancel.IsCancellationRequested) break;
            SleepTicks(remaining);
        }
        while (Stopwatch.GetTimestamp() < deadlineTicks)
            Thread.SpinWait(8);
    }

    private static void SleepTicks(long ticks)
    {
        // Cap each sleep so a cancellation is seen within 50 ms.
        long ns = Math.Min(ticks * 1_000_000_000L / Stopwatch.Frequency, 50_000_000L);
        if (s_posix)
        {
            var ts = new TimeSpec { Seconds = 0, Nanoseconds = (nint)ns };
            NanoSleep(in ts, IntPtr.Zero);
        }
        else
        {
            int ms = (int)(ns / 1_000_000);
            Thread.Sleep(ms > 0 ? ms : 0);
        }
    }
}
