using System.Diagnostics;
using System.Globalization;

namespace TrpoEdge.Core.Trajectories;

/// <summary>The process that writes a run, recorded in its row (<c>runs.writer_pid</c>, <c>writer_started_at</c>),
/// so that a reader on the same host can tell a run whose writer is still alive (its last episode is being written,
/// not cut by a crash) from one whose writer is gone. The start time guards against a reused process id.</summary>
public static class WriterProcess
{
    public static (int Pid, string StartedAt) Current { get; } = Describe(Process.GetCurrentProcess());

    /// <summary>True when process <paramref name="pid"/> runs on this machine and started at <paramref name="startedAt"/>
    /// (as recorded by <see cref="Current"/>); false when it is gone or the id now belongs to another process.</summary>
    public static bool IsAlive(int pid, string startedAt)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited && Describe(p).StartedAt == startedAt;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    private static (int Pid, string StartedAt) Describe(Process p)
    {
        string started;
        try { started = p.StartTime.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException) { started = ""; }
        return (p.Id, started);
    }
}
