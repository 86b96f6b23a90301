using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Bench;

/// <summary><c>bench store [steps]</c>: trajectory-store steps written per second through
/// <see cref="TrajectoryWriter"/> (Append until Dispose has committed everything), against a baseline measured in
/// the same run: the obvious synchronous Microsoft.Data.Sqlite loop on the caller's thread (one prepared INSERT per
/// step, one transaction per 256 steps), and that loop committing every step. Then what the control loop pays per
/// Append when the writer keeps up: time (p50, p99) and managed bytes allocated.</summary>
public static class StoreBench
{
    private const int ObsSize = 3;
    private const int ActSize = 1;
    private const int EpisodeLength = 1000;

    public static int Run(string[] args)
    {
        int steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-store-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            Console.WriteLine($"store bench: {steps} steps of Pendulum size (obs {ObsSize}, act {ActSize}), {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}");
            Console.WriteLine($"{"case",-62} {"steps/s",12} {"vs baseline",12}");
            double baseline = Best(() => SyncLoop(Path.Combine(dir, $"sync-{Guid.NewGuid():N}.db"), steps, 256));
            Print("baseline: synchronous SqliteCommand, transaction per 256", baseline, baseline);
            int few = Math.Min(steps, 5_000);
            Print("synchronous SqliteCommand, transaction per step", SyncLoop(Path.Combine(dir, "autocommit.db"), few, 1), baseline);
            foreach (int batch in new[] { 256, 4096 })
            {
                var options = new TrajectoryWriterOptions { BatchSize = batch, Capacity = 8192 };
                double rate = Best(() => WriterLoop(Path.Combine(dir, $"writer-{Guid.NewGuid():N}.db"), steps, options, out _));
                Print($"TrajectoryWriter Append..Dispose, batch {batch}", rate, baseline);
            }

            // What the control loop pays when the disk keeps up: bursts smaller than the channel, each drained before the next.
            var (p50, p99, bytes, processBytes) = AppendCost(Path.Combine(dir, "latency.db"), bursts: 50, burst: 2000);
            double syncNs = 1e9 / baseline;
            Console.WriteLine($"Append on the control loop: p50 {p50:F0} ns, p99 {p99:F0} ns, {bytes:F1} managed bytes/step on its thread, {processBytes:F1} in the whole process " +
                              $"(synchronous baseline costs the caller {syncNs:F0} ns/step on average: {syncNs / p50:F1}x the Append p50)");
            return 0;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static RunInfo Info() => new()
    {
        EnvId = "Pendulum-v1",
        ObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
        ActionSpace = SpaceSpec.Box([-2], [2]),
        Program = "bench store",
    };

    private static double Best(Func<double> measure)
    {
        double best = 0;
        for (int i = 0; i < 3; i++) best = Math.Max(best, measure());
        return best;
    }

    private static void Print(string name, double rate, double baseline) =>
        Console.WriteLine($"{name,-62} {rate,12:N0} {rate / baseline,11:F2}x");

    private static double WriterLoop(string path, int steps, TrajectoryWriterOptions options, out long fullWaits)
    {
        var obs = new float[ObsSize];
        var act = new float[ActSize];
        var sw = Stopwatch.StartNew();
        var writer = TrajectoryWriter.Open(path, Info(), options);
        int t = 0;
        writer.BeginEpisode();
        for (int i = 0; i < steps; i++)
        {
            obs[0] = i;
            act[0] = -i;
            writer.Append(new StepRecord(obs, act, -1.0, -0.9, 0));
            if (++t == EpisodeLength)
            {
                writer.EndEpisode(false, true, obs);
                writer.BeginEpisode();
                t = 0;
            }
        }
        writer.EndEpisode(false, true, obs);
        writer.Dispose();
        sw.Stop();
        fullWaits = writer.FullWaits;
        if (writer.CommittedSteps != steps) throw new InvalidOperationException($"committed {writer.CommittedSteps} of {steps} steps");
        return steps / sw.Elapsed.TotalSeconds;
    }

    /// <summary>The obvious implementation: the caller inserts each step itself through Microsoft.Data.Sqlite,
    /// with the same schema, pragmas and blobs as the store.</summary>
    private static double SyncLoop(string path, int steps, int stepsPerTransaction)
    {
        // The writer creates the schema and run row; the baseline then writes rows the same shape into it.
        long runId;
        using (var w = TrajectoryWriter.Open(path, Info())) runId = w.RunId;
        var obs = new float[ObsSize];
        var act = new float[ActSize];
        var obsBytes = new byte[4 * ObsSize];
        var actBytes = new byte[4 * ActSize];
        var sw = Stopwatch.StartNew();
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using (var p = c.CreateCommand()) { p.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"; p.ExecuteNonQuery(); }
        using var insertEpisode = c.CreateCommand();
        insertEpisode.CommandText = "INSERT INTO episodes (id, run_id, index_in_run, started_at, status) VALUES ($id, $run, $i, '2026-01-01', 'incomplete')";
        var epId = insertEpisode.Parameters.Add("$id", SqliteType.Integer);
        insertEpisode.Parameters.AddWithValue("$run", runId);
        var epIndex = insertEpisode.Parameters.Add("$i", SqliteType.Integer);
        using var insert = c.CreateCommand();
        insert.CommandText = "INSERT INTO steps (episode_id, t, observation, action, reward, log_prob, timestamp_ns, policy_version) VALUES ($e, $t, $o, $a, $r, $l, $ts, 0)";
        var pe = insert.Parameters.Add("$e", SqliteType.Integer);
        var pt = insert.Parameters.Add("$t", SqliteType.Integer);
        var po = insert.Parameters.Add("$o", SqliteType.Blob);
        var pa = insert.Parameters.Add("$a", SqliteType.Blob);
        var pr = insert.Parameters.Add("$r", SqliteType.Real);
        var pl = insert.Parameters.Add("$l", SqliteType.Real);
        var pts = insert.Parameters.Add("$ts", SqliteType.Integer);
        insert.Prepare();
        SqliteTransaction? tx = null;
        int inTx = 0;
        long episode = 0;
        int t = EpisodeLength;
        for (int i = 0; i < steps; i++)
        {
            tx ??= c.BeginTransaction();
            insert.Transaction = tx;
            insertEpisode.Transaction = tx;
            if (t == EpisodeLength)
            {
                episode++;
                epId.Value = episode;
                epIndex.Value = episode - 1;
                insertEpisode.ExecuteNonQuery();
                t = 0;
            }
            obs[0] = i;
            act[0] = -i;
            Buffer.BlockCopy(obs, 0, obsBytes, 0, obsBytes.Length);
            Buffer.BlockCopy(act, 0, actBytes, 0, actBytes.Length);
            pe.Value = episode;
            pt.Value = t++;
            po.Value = obsBytes;
            pa.Value = actBytes;
            pr.Value = -1.0;
            pl.Value = -0.9;
            pts.Value = TrajectoryWriter.NowUnixNs();
            insert.ExecuteNonQuery();
            if (++inTx == stepsPerTransaction)
            {
                tx.Commit();
                tx.Dispose();
                tx = null;
                inTx = 0;
            }
        }
        tx?.Commit();
        tx?.Dispose();
        sw.Stop();
        return steps / sw.Elapsed.TotalSeconds;
    }

    private static (double P50, double P99, double BytesPerStep, double ProcessBytesPerStep) AppendCost(string path, int bursts, int burst)
    {
        var options = new TrajectoryWriterOptions { BatchSize = 256, FlushInterval = TimeSpan.FromMilliseconds(5), Capacity = 2 * burst + 16 };
        using var writer = TrajectoryWriter.Open(path, Info(), options);
        var obs = new float[ObsSize];
        var act = new float[ActSize];
        var times = new double[bursts * burst];
        long allocated = 0;
        double tickNs = 1e9 / Stopwatch.Frequency;
        long processBefore = 0;
        writer.BeginEpisode();
        for (int b = -2; b < bursts; b++) // two warm-up bursts
        {
            if (b == 0) processBefore = GC.GetTotalAllocatedBytes(precise: true);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < burst; i++)
            {
                obs[0] = i;
                long t0 = Stopwatch.GetTimestamp();
                writer.Append(new StepRecord(obs, act, -1.0, -0.9, 0));
                long t1 = Stopwatch.GetTimestamp();
                if (b >= 0) times[b * burst + i] = (t1 - t0) * tickNs;
            }
            if (b >= 0) allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            long target = writer.AppendedSteps;
            while (writer.CommittedSteps < target) Thread.Sleep(1);
        }
        long processAllocated = GC.GetTotalAllocatedBytes(precise: true) - processBefore;
        writer.EndEpisode(false, true, obs);
        Array.Sort(times);
        return (times[times.Length / 2], times[(int)(times.Length * 0.99)], (double)allocated / times.Length, (double)processAllocated / times.Length);
    }
}
