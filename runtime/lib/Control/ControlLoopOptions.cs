namespace TrpoEdge.Runtime.Control;

/// <summary>How <see cref="ControlLoop"/> runs: episodes, seeds, pacing.</summary>
public sealed record ControlLoopOptions
{
    public int Episodes { get; init; } = 1;
    /// <summary>Episode i resets the plant with seed <c>Seed + i</c> (the trainer's eval convention).</summary>
    public ulong Seed { get; init; }
    /// <summary>Steps per second. Null: a simulated plant runs as fast as it can (no sleeping); a real
    /// plant runs at its own control period.</summary>
    public double? RateHz { get; init; }
    /// <summary>Fraction of each period, before the deadline, spent spinning instead of sleeping: the OS
    /// wakes a sleeper tens of microseconds late, a spinning thread is on time.</summary>
    public double SpinFraction { get; init; } = 0.2;
    /// <summary>How the paced loop waits; null: <see cref="LoopPacing.AbsoluteSleep"/> with
    /// <see cref="Realtime"/>, else <see cref="LoopPacing.SleepThenSpin"/>.</summary>
    public LoopPacing? Pacing { get; init; }
    /// <summary>Real-time scheduling for the loop's thread (<c>runtime --realtime</c>); null: time-shared.</summary>
    public RealtimeOptions? Realtime { get; init; }
    /// <summary>Pin the loop's thread to this CPU (Linux; <c>runtime --cpu N</c>); null: any CPU.</summary>
    public int? Cpu { get; init; }
    /// <summary>Optional cap on steps per episode (a plant's own time limit still applies).</summary>
    public int? MaxStepsPerEpisode { get; init; }
    /// <summary>Seconds between <see cref="ControlLoop.Progress"/> calls.</summary>
    public double ProgressInterval { get; init; } = 0.25;

    public void Validate()
    {
        if (Episodes < 1) throw new ArgumentOutOfRangeException(nameof(Episodes), Episodes, "Run at least one episode (--episodes N, N >= 1).");
        if (RateHz is double r && !(r > 0 && r <= 100_000))
            throw new ArgumentOutOfRangeException(nameof(RateHz), r, "The rate must be between 0 and 100000 Hz (--rate HZ).");
        if (!(SpinFraction >= 0 && SpinFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(SpinFraction), SpinFraction, "SpinFraction is a fraction of the period, 0..1.");
        if (MaxStepsPerEpisode is int m && m < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxStepsPerEpisode), m, "MaxStepsPerEpisode must be at least 1.");
        Realtime?.Validate();
        if (Cpu is int cpu)
        {
            if (cpu < 0) throw new ArgumentOutOfRangeException(nameof(Cpu), cpu, "A CPU number is 0 or more (--cpu N).");
            if (OperatingSystem.IsLinux() && LinuxRealtimeNative.AllowedCpus() is { Length: > 0 } allowed && !allowed.Contains(cpu))
                throw new ArgumentOutOfRangeException(nameof(Cpu), cpu, $"CPU {cpu} is not available to this process; it may run on CPUs {string.Join(",", allowed)} (--cpu N).");
        }
        if (!(ProgressInterval > 0)) throw new ArgumentOutOfRangeException(nameof(ProgressInterval), ProgressInterval, "ProgressInterval must be positive seconds.");
    }
}
