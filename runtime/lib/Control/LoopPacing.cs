namespace TrpoEdge.Runtime.Control;

/// <summary>How a paced loop waits for its next deadline. Every mode ends by spinning for
/// <see cref="ControlLoopOptions.SpinFraction"/> of the period before the deadline (0: no spin).</summary>
public enum LoopPacing
{
    /// <summary>Relative sleeps (nanosleep on Linux and macOS, Thread.Sleep on Windows) until the spin starts.
    /// The default without <see cref="ControlLoopOptions.Realtime"/>.</summary>
    SleepThenSpin,
    /// <summary>clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME) to the absolute start of the spin: no drift from
    /// computing "how long" and being preempted before the sleep starts. Linux; elsewhere as
    /// <see cref="SleepThenSpin"/>. The default with <see cref="ControlLoopOptions.Realtime"/>.</summary>
    AbsoluteSleep,
    /// <summary>A timerfd armed at the absolute start of the spin, read to wait. Linux; elsewhere as
    /// <see cref="SleepThenSpin"/>.</summary>
    TimerFd,
}
