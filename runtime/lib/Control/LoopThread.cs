using System.Runtime;
using static TrpoEdge.Runtime.Control.LinuxRealtimeNative;

namespace TrpoEdge.Runtime.Control;

/// <summary>Puts the calling thread — the loop's — under the scheduling <see cref="ControlLoopOptions"/> asks for,
/// and puts everything back on <see cref="Dispose"/>: the policy and priority, the CPU affinity, the GC latency
/// mode, locked memory. What it could not get it reports in <see cref="Scheduling"/> with what to grant; it never
/// fails the run for it.
/// <para>GC: the loop allocates nothing per step, so it never triggers a collection itself, but a collection
/// triggered by another thread (the trajectory writer, the console) suspends every managed thread, the loop
/// included. With --realtime the GC latency mode is SustainedLowLatency for the run: no blocking full (gen2)
/// collections, only short ephemeral ones, while background GC does gen2 work concurrently. The runtime's
/// runtimeconfig keeps the workstation, concurrent collector (server GC would add a collector thread per core
/// competing with the loop's) and RetainVM (freed memory is kept, not returned to the OS and faulted in again,
/// which with locked memory would mean locking it again).</para></summary>
internal sealed unsafe class LoopThread : IDisposable
{
    private readonly bool _linux = OperatingSystem.IsLinux();
    private readonly byte[]? _savedAffinity;
    private readonly int _savedPolicy = -1, _savedPriority;
    private readonly GCLatencyMode? _savedLatency;
    private readonly bool _lockWanted;
    private readonly List<string> _refusals = [];
    private bool _locked;

    private LoopThread(ControlLoopOptions options)
    {
        RealtimeOptions? rt = options.Realtime;
        LoopPacing pacing = options.Pacing ?? (rt is not null ? LoopPacing.AbsoluteSleep : LoopPacing.SleepThenSpin);
        if (!_linux && pacing != LoopPacing.SleepThenSpin) pacing = LoopPacing.SleepThenSpin;
        string policy = _linux ? "SCHED_OTHER" : "normal";
        int? priority = null, cpu = null;

        if (_linux && options.Cpu is int wanted)
        {
            _savedAffinity = new byte[CpuSetBytes];
            fixed (byte* saved = _savedAffinity) SchedGetAffinity(0, CpuSetBytes, saved);
            byte* mask = stackalloc byte[CpuSetBytes];
            new Span<byte>(mask, CpuSetBytes).Clear();
            mask[wanted >> 3] = (byte)(1 << (wanted & 7));
            if (SchedSetAffinity(0, CpuSetBytes, mask) == 0) cpu = wanted;
            else
            {
                _savedAffinity = null;
                _refusals.Add($"pinning to CPU {wanted} failed ({Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}); the loop may run on any CPU");
            }
        }
        else if (!_linux && options.Cpu is int c)
            _refusals.Add($"--cpu {c} is implemented on Linux only; the loop may run on any CPU");

        if (rt is not null)
        {
            if (_linux)
            {
                _savedPolicy = SchedGetScheduler(0) & ~SCHED_RESET_ON_FORK;
                int p = 0;
                SchedGetParam(0, &p);
                _savedPriority = p;
                int want = rt.Priority;
                if (SchedSetScheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &want) == 0)
                {
                    policy = "SCHED_FIFO";
                    priority = want;
                }
                else
                {
                    int e = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    _savedPolicy = -1;
                    _refusals.Add(RtprioRemedy(want, e));
                }
                _lockWanted = rt.LockMemory;
            }
            else
            {
                _refusals.Add($"--realtime is not offered on {(OperatingSystem.IsWindows() ? "Windows" : System.Runtime.InteropServices.RuntimeInformation.OSDescription)}: "
                    + "the loop runs as an ordinary thread with relative sleeps" + (OperatingSystem.IsWindows() ? " (Thread.Sleep has the system timer's resolution, 1–15.6 ms)" : "")
                    + "; real-time scheduling is implemented for Linux (SCHED_FIFO)");
            }
            _savedLatency = GCSettings.LatencyMode;
            GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        }

        Scheduling = new LoopScheduling
        {
            Policy = policy,
            Priority = priority,
            Cpu = cpu,
            Pacing = pacing,
            SpinFraction = options.SpinFraction,
            RealtimeRequested = rt is not null,
            Refusal = _refusals.Count == 0 ? null : string.Join("; ", _refusals),
        };
    }

    public LoopScheduling Scheduling { get; private set; }

    public static LoopThread Enter(ControlLoopOptions options) => new(options);

    /// <summary>Locks all memory, once, if --realtime asked for it: call after warm-up (model loaded and run,
    /// buffers allocated), before the first deadline.</summary>
    public void LockMemory()
    {
        if (!_lockWanted || _locked) return;
        _locked = true;
        if (MLockAll(MCL_CURRENT | MCL_FUTURE) == 0)
        {
            Scheduling = Scheduling with { MemoryLocked = true };
            return;
        }
        int e = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        _locked = false;
        RLimit l;
        string limit = GetRLimit(RLIMIT_MEMLOCK, &l) == 0 ? $"RLIMIT_MEMLOCK {(l.Current == ulong.MaxValue ? "unlimited" : (l.Current / 1024) + " KiB")}" : "RLIMIT_MEMLOCK unknown";
        _refusals.Add($"mlockall failed ({Describe(e)}, {limit}): memory stays pageable. Grant it with `ulimit -l unlimited`, "
            + "a systemd unit's LimitMEMLOCK=infinity, or CAP_IPC_LOCK (`setcap cap_ipc_lock+ep`)");
        Scheduling = Scheduling with { Refusal = string.Join("; ", _refusals) };
    }

    public void Dispose()
    {
        if (_linux)
        {
            if (_locked) MUnlockAll();
            _locked = false;
            if (_savedPolicy >= 0)
            {
                int p = _savedPriority;
                SchedSetScheduler(0, _savedPolicy, &p);
            }
            if (_savedAffinity is not null)
                fixed (byte* mask = _savedAffinity) SchedSetAffinity(0, CpuSetBytes, mask);
        }
        if (_savedLatency is GCLatencyMode mode) GCSettings.LatencyMode = mode;
    }

    private static string RtprioRemedy(int priority, int errno)
    {
        RLimit l;
        string rlimit = GetRLimit(RLIMIT_RTPRIO, &l) == 0 ? $"RLIMIT_RTPRIO is {(l.Current == ulong.MaxValue ? "unlimited" : l.Current.ToString(System.Globalization.CultureInfo.InvariantCulture))}" : "RLIMIT_RTPRIO unknown";
        string why = errno == EPERM
            ? $"this process may not use real-time priority {priority} ({rlimit} and it lacks CAP_SYS_NICE)"
            : $"the kernel refused it ({Describe(errno)})";
        return $"--realtime: SCHED_FIFO priority {priority} was refused: {why}. Grant it with one of: "
            + "`sudo setcap cap_sys_nice,cap_ipc_lock+ep <the runtime executable>` (for `dotnet runtime.dll`, the dotnet host), "
            + "`ulimit -r 99` (raise the hard limit in /etc/security/limits.conf: `@realtime - rtprio 99`), "
            + "a systemd unit's LimitRTPRIO=99 and LimitMEMLOCK=infinity, or for a container --cap-add SYS_NICE --ulimit rtprio=99. "
            + "The loop runs time-shared, as without --realtime";
    }
}
