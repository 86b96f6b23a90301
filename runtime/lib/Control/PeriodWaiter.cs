using System.Diagnostics;
using static TrpoEdge.Runtime.Control.LinuxRealtimeNative;

namespace TrpoEdge.Runtime.Control;

/// <summary>Waits until a Stopwatch timestamp the way <see cref="LoopPacing"/> says: sleep until
/// <c>spinTicks</c> before it, then spin. Allocates nothing per wait.
/// <para>On Linux Stopwatch reads CLOCK_MONOTONIC; the offset between the two is measured once anyway, so an
/// absolute Stopwatch deadline maps to an absolute CLOCK_MONOTONIC time for clock_nanosleep and timerfd.</para></summary>
internal sealed unsafe class PeriodWaiter : IDisposable
{
    /// <summary>Each sleep ends at least this often, so a cancellation is seen within 50 ms.</summary>
    private const long MaxSleepNs = 50_000_000;
    private readonly LoopPacing _pacing;
    private readonly long _spinTicks;
    private readonly double _nsPerTick = 1e9 / Stopwatch.Frequency;
    private readonly long _monotonicOffsetNs;
    private int _timerFd = -1;

    public PeriodWaiter(LoopPacing pacing, long spinTicks)
    {
        _pacing = OperatingSystem.IsLinux() ? pacing : LoopPacing.SleepThenSpin;
        _spinTicks = spinTicks;
        if (_pacing != LoopPacing.SleepThenSpin)
        {
            long before = Stopwatch.GetTimestamp();
            long mono = MonotonicNs();
            long after = Stopwatch.GetTimestamp();
            _monotonicOffsetNs = mono - (long)((before + after) / 2 * _nsPerTick);
        }
        if (_pacing == LoopPacing.TimerFd)
        {
            _timerFd = TimerFdCreate(CLOCK_MONOTONIC, TFD_CLOEXEC);
            if (_timerFd < 0)
                throw new IOException($"timerfd_create failed ({Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}); use another pacing.");
        }
    }

    public void Until(long deadlineTicks, CancellationToken cancel)
    {
        long wakeTicks = deadlineTicks - _spinTicks;
        switch (_pacing)
        {
            case LoopPacing.AbsoluteSleep:
            case LoopPacing.TimerFd:
                while (!cancel.IsCancellationRequested)
                {
                    long now = Stopwatch.GetTimestamp();
                    if (now >= wakeTicks) break;
                    long target = (long)(Math.Min(wakeTicks, now + (long)(MaxSleepNs / _nsPerTick)) * _nsPerTick) + _monotonicOffsetNs;
                    if (_pacing == LoopPacing.AbsoluteSleep) SleepUntil(target);
                    else TimerUntil(target);
                }
                break;
            default:
                PreciseSleep.Until(deadlineTicks, _spinTicks, cancel);
                return;
        }
        while (Stopwatch.GetTimestamp() < deadlineTicks)
            Thread.SpinWait(8);
    }

    private static void SleepUntil(long monotonicNs)
    {
        var t = new TimeSpec { Seconds = monotonicNs / 1_000_000_000L, Nanoseconds = monotonicNs % 1_000_000_000L };
        // EINTR (a signal, e.g. the GC suspending threads): the caller's loop sleeps again to the same instant.
        ClockNanoSleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, null);
    }

    private void TimerUntil(long monotonicNs)
    {
        var spec = new ITimerSpec { Value = new TimeSpec { Seconds = monotonicNs / 1_000_000_000L, Nanoseconds = monotonicNs % 1_000_000_000L } };
        if (TimerFdSetTime(_timerFd, TFD_TIMER_ABSTIME, &spec, null) != 0)
            throw new IOException($"timerfd_settime failed ({Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}).");
        ulong expirations;
        Read(_timerFd, &expirations, sizeof(ulong)); // returns at expiry, or early with EINTR: the caller loops
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _timerFd, -1);
        if (fd >= 0) Close(fd);
    }
}
