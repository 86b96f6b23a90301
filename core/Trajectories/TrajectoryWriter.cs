using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace TrpoEdge.Core.Trajectories;

/// <summary>Logs one run of a policy into a trajectory store (DESIGN.md contract 3) without making the control
/// loop wait for the disk. <see cref="Append"/> copies the step into a preallocated slot and posts a small value
/// message to a bounded channel; a dedicated thread drains the channel and commits batched transactions.
/// <para>Use from ONE thread (the control loop): <c>BeginEpisode</c>, then <c>Append</c> per step, then
/// <c>EndEpisode</c>; repeat; dispose at the end. The steady state allocates nothing.</para>
/// <para>When the channel is full (the disk fell <see cref="TrajectoryWriterOptions.Capacity"/> messages behind)
/// the call WAITS for room rather than dropping data; <see cref="FullWaits"/> counts how often that happened.</para>
/// <para>A failure on the writer thread stops the writer; the next call, and Dispose, throw it. A crash (kill -9)
/// loses at most the open batch; committed steps survive a killed process (synchronous=NORMAL: an operating
/// system crash or power loss may also lose the last commits, never corrupt the file).</para></summary>
public sealed class TrajectoryWriter : IDisposable, IAsyncDisposable
{
    private readonly string _path;
    private readonly SqliteConnection _connection;
    private readonly Channel<WriterMessage> _channel;
    private readonly StoreWriterThread _worker;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly float[] _slots;
    private readonly int _slotCount;
    private readonly int _obsSize;
    private readonly int _actSize;
    private readonly ActingPolicy _runPolicy;

    // Control-loop state: touched only by the caller's thread.
    private long _sequence;
    private long _openEpisode = -1;
    private int _t;
    private int _episodeIndex;
    private double _episodeReturn;
    private long _appended;
    private long _fullWaits;

    private Exception? _fault;
    private long _transactions;
    private int _disposed;

    private TrajectoryWriter(string path, SqliteConnection connection, long runId,
        int obsSize, int actSize, ActingPolicy runPolicy, TrajectoryWriterOptions options)
    {
        _runPolicy = runPolicy;
        _path = path;
        _connection = connection;
        RunId = runId;
        _obsSize = obsSize;
        _actSize = actSize;
        // A slot stays in use from the moment the loop fills it until the writer thread has bound it. At most
        // Capacity messages sit in the channel, one more is being processed and one more is being filled:
        // Capacity + 2 slots make reuse safe without any other synchronisation.
        _slotCount = options.Capacity + 2;
        _slots = new float[_slotCount * (obsSize + actSize)];
        _channel = Channel.CreateBounded<WriterMessage>(new BoundedChannelOptions(options.Capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        // The channel's internal queue grows by doubling as it first fills; filling and draining it once here
        // makes it reach its full size now, so no Append ever pays for (or allocates) that growth later.
        for (int i = 0; i < options.Capacity; i++) _channel.Writer.TryWrite(default);
        while (_channel.Reader.TryRead(out _)) { }
        _worker = new StoreWriterThread(connection, _channel.Reader, _slots, obsSize, actSize, runId, options, OnCommit);
        var thread = new Thread(WorkerMain) { IsBackground = true, Name = "TrpoEdge trajectory writer" };
        thread.Start();
    }

    /// <summary>Opens (or creates) the store at <paramref name="path"/> and starts a new run in it. Readers, and other
    /// writers (each with its own run), may use the file at the same time.</summary>
    public static TrajectoryWriter Open(string path, RunInfo run, TrajectoryWriterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(run);
        options ??= TrajectoryWriterOptions.Default;
        options.Validate();
        run.Validate();
        long slotFloats = (long)(options.Capacity + 2) * (run.ObservationSpace.FlatSize + run.ActionSpace.FlatSize);
        if (slotFloats > Array.MaxLength)
            throw new ArgumentException($"TrajectoryWriterOptions.Capacity {options.Capacity} with {run.ObservationSpace.FlatSize} observation and {run.ActionSpace.FlatSize} action floats per step needs {slotFloats} floats of slots, more than one array holds; lower Capacity.", nameof(options));
        return StoreSchema.OpenWritable(path, (connection, full) =>
        {
            long runId;
            using (var tx = connection.BeginTransaction(deferred: false))
            {
                using var insert = connection.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = """
                    INSERT INTO runs (started_at, host, program, env_id, observation_space, action_space, model_sha256,
                                      policy_version, plant, control_period, notes, checkpoint_sha256, writer_pid, writer_started_at)
                    VALUES ($started, $host, $program, $env, $obs, $act, $sha, $pv, $plant, $period, $notes, $ckpt, $pid, $pidStarted);
                    SELECT last_insert_rowid();
                    """;
                insert.Parameters.AddWithValue("$started", StoreWriterThread.FormatTime(NowUnixNs()));
                insert.Parameters.AddWithValue("$host", run.Host);
                insert.Parameters.AddWithValue("$program", run.Program);
                insert.Parameters.AddWithValue("$env", run.EnvId);
                insert.Parameters.AddWithValue("$obs", run.ObservationSpace.ToJson());
                insert.Parameters.AddWithValue("$act", run.ActionSpace.ToJson());
                insert.Parameters.AddWithValue("$sha", (object?)run.ModelSha256 ?? DBNull.Value);
                insert.Parameters.AddWithValue("$pv", run.PolicyVersion);
                insert.Parameters.AddWithValue("$plant", (object?)run.Plant ?? DBNull.Value);
                insert.Parameters.AddWithValue("$period", (object?)run.ControlPeriod ?? DBNull.Value);
                insert.Parameters.AddWithValue("$notes", (object?)run.Notes ?? DBNull.Value);
                insert.Parameters.AddWithValue("$ckpt", (object?)run.CheckpointSha256 ?? DBNull.Value);
                // Who writes the run, so a reader can tell a run still being written from one cut by a crash.
                (int pid, string started) = WriterProcess.Current;
                insert.Parameters.AddWithValue("$pid", pid);
                insert.Parameters.AddWithValue("$pidStarted", started);
                runId = (long)insert.ExecuteScalar()!;
                tx.Commit();
            }
            return new TrajectoryWriter(full, connection, runId,
                run.ObservationSpace.FlatSize, run.ActionSpace.FlatSize, ActingPolicy.Of(run), options);
        });
    }

    public string Path => _path;
    public long RunId { get; }
    public int ObservationSize => _obsSize;
    public int ActionSize => _actSize;
    /// <summary>The open episode's id, or -1 between episodes.</summary>
    public long CurrentEpisodeId => _openEpisode;
    /// <summary>Steps handed to <see cref="Append"/> so far.</summary>
    public long AppendedSteps => _appended;
    /// <summary>Steps durably committed so far (readable by other processes, surviving a kill of this one).</summary>
    public long CommittedSteps => _worker.CommittedSteps;
    /// <summary>Transactions committed so far.</summary>
    public long CommittedTransactions => Interlocked.Read(ref _transactions);
    /// <summary>How many calls found the channel full and waited for the disk (0 in a healthy run).</summary>
    public long FullWaits => _fullWaits;

    /// <summary>Raised on the writer thread after each commit with <see cref="CommittedSteps"/>. Keep handlers short:
    /// the writer waits for them. An exception from a handler stops the writer like a disk error.</summary>
    public event Action<long>? Committed;

    /// <summary>Episode ids are <c>run id × 1e9 + index in run</c> (run 3, episode 17: 3000000017), so a writer knows
    /// its ids without asking the database, and several writers (one per rig, say) can share a file without colliding.</summary>
    public const long EpisodesPerRun = 1_000_000_000;

    public static long EpisodeId(long runId, int indexInRun) => runId * EpisodesPerRun + indexInRun;

    /// <summary>Unix time in nanoseconds, the clock of <see cref="StepRecord.TimestampNs"/>.</summary>
    public static long NowUnixNs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>Starts an episode and returns its id (the row id in <c>episodes</c>). The row is written as
    /// 'incomplete' until <see cref="EndEpisode"/>. <paramref name="actingPolicy"/> is the policy that acts in this
    /// episode (recorded with the episode; the trainer learns from each episode against its own acting policy);
    /// null means the run's policy (<see cref="RunInfo.PolicyVersion"/> and SHA-256s).</summary>
    public long BeginEpisode(ActingPolicy? actingPolicy = null)
    {
        ThrowIfUnusable();
        actingPolicy?.Validate();
        if (_openEpisode >= 0)
            throw new InvalidOperationException($"Episode {_openEpisode} is still open with {_t} steps; call EndEpisode before BeginEpisode.");
        if (_episodeIndex >= EpisodesPerRun)
            throw new InvalidOperationException($"Run {RunId} already has {EpisodesPerRun} episodes, the most one run can hold; open a new writer (a new run).");
        long id = EpisodeId(RunId, _episodeIndex);
        _openEpisode = id;
        _t = 0;
        _episodeReturn = 0;
        ActingPolicy policy = actingPolicy ?? _runPolicy;
        Send(new WriterMessage(WriterMessageKind.BeginEpisode, id, NextSlot(), _episodeIndex++, 0, 0, policy.Version, NowUnixNs(), false, false, policy));
        return id;
    }

    /// <summary>Logs one step of the open episode. Copies the spans; returns without touching the disk unless the
    /// channel is full (then it waits, see the class remarks).</summary>
    public void Append(in StepRecord step)
    {
        ThrowIfUnusable();
        if (_openEpisode < 0)
            throw new InvalidOperationException("No episode is open; call BeginEpisode before Append.");
        if (step.Observation.Length != _obsSize)
            throw new ArgumentException($"The step's observation has {step.Observation.Length} floats; this run's observation space has {_obsSize}.", nameof(step));
        if (step.Action.Length != _actSize)
            throw new ArgumentException($"The step's action has {step.Action.Length} floats; this run's action space stores {_actSize} per step.", nameof(step));
        int slot = NextSlot();
        var dest = _slots.AsSpan(slot * (_obsSize + _actSize), _obsSize + _actSize);
        step.Observation.CopyTo(dest);
        step.Action.CopyTo(dest[_obsSize..]);
        long ts = step.TimestampNs != 0 ? step.TimestampNs : NowUnixNs();
        Send(new WriterMessage(WriterMessageKind.Step, _openEpisode, slot, _t, step.Reward, step.LogProb, step.PolicyVersion, ts, false, false));
        _t++;
        _episodeReturn += step.Reward;
        _appended++;
    }

    /// <summary>Ends the open episode. <paramref name="finalObservation"/> is the observation after the last step
    /// (what a truncated episode bootstraps from). Terminated: the MDP reached a terminal state. Truncated: the
    /// episode was cut (time limit, safety limit, end of run).</summary>
    public void EndEpisode(bool terminated, bool truncated, ReadOnlySpan<float> finalObservation)
    {
        ThrowIfUnusable();
        if (_openEpisode < 0)
            throw new InvalidOperationException("No episode is open; call BeginEpisode before EndEpisode.");
        if (finalObservation.Length != _obsSize)
            throw new ArgumentException($"The final observation has {finalObservation.Length} floats; this run's observation space has {_obsSize}.", nameof(finalObservation));
        int slot = NextSlot();
        finalObservation.CopyTo(_slots.AsSpan(slot * (_obsSize + _actSize), _obsSize));
        Send(new WriterMessage(WriterMessageKind.EndEpisode, _openEpisode, slot, _t, _episodeReturn, 0, 0, NowUnixNs(), terminated, truncated));
        _openEpisode = -1;
    }

    /// <summary>Closes the open episode without vouching for its end: its steps stay, its status stays 'incomplete'
    /// (the trainer treats it as cut by a crash: truncated, last step dropped), and it gets an end time, so readers
    /// know it is finished rather than still being written. For an episode the loop could not carry on truthfully —
    /// the link to the rig broke, or the rig did not apply an action the log would otherwise claim.</summary>
    public void AbandonEpisode()
    {
        ThrowIfUnusable();
        if (_openEpisode < 0)
            throw new InvalidOperationException("No episode is open; call BeginEpisode before AbandonEpisode.");
        Send(new WriterMessage(WriterMessageKind.AbandonEpisode, _openEpisode, NextSlot(), _t, _episodeReturn, 0, 0, NowUnixNs(), false, false));
        _openEpisode = -1;
    }

    private int NextSlot() => (int)(_sequence++ % _slotCount);

    private void Send(in WriterMessage message)
    {
        if (_channel.Writer.TryWrite(message)) return;
        SendSlow(message);
    }

    private void SendSlow(in WriterMessage message)
    {
        // The disk is Capacity messages behind. Poll (spin, yield, then 1 ms sleeps) instead of awaiting WriteAsync:
        // no Task per call, no thread-pool handoff per freed slot, and the writer thread drains a full channel
        // at its own pace meanwhile.
        _fullWaits++;
        var spinner = new SpinWait();
        while (!_channel.Writer.TryWrite(message))
        {
            if (Volatile.Read(ref _fault) is { } fault) throw Failed(fault);
            spinner.SpinOnce();
        }
    }

    private void ThrowIfUnusable()
    {
        if (Volatile.Read(ref _fault) is { } fault) throw Failed(fault);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
    }

    private InvalidOperationException Failed(Exception fault) =>
        new($"The trajectory writer for \"{_path}\" failed on its background thread and stopped ({fault.Message}). " +
            $"{CommittedSteps} steps were committed; later steps were not saved. Check the disk, then start a new writer.", fault);

    private void WorkerMain()
    {
        try
        {
            _worker.Run();
            _done.SetResult();
        }
        catch (Exception e)
        {
            Volatile.Write(ref _fault, e);
            // Wakes a control loop blocked on a full channel and fails every later write.
            _channel.Writer.TryComplete(e);
            _done.SetResult();
        }
    }

    private void OnCommit(long committedSteps)
    {
        Interlocked.Increment(ref _transactions);
        Committed?.Invoke(committedSteps);
    }

    /// <summary>Commits everything appended, marks the run ended and closes the file. An episode still open stays
    /// 'incomplete' (call EndEpisode first to keep it). Throws the writer thread's failure, if any.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _channel.Writer.TryComplete();
        _done.Task.GetAwaiter().GetResult();
        Close();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _channel.Writer.TryComplete();
        await _done.Task.ConfigureAwait(false);
        Close();
    }

    private void Close()
    {
        Exception? fault = Volatile.Read(ref _fault);
        try
        {
            _worker.Dispose();
            if (fault is null)
            {
                using var cmd = _connection.CreateCommand();
                cmd.CommandText = "UPDATE runs SET ended_at = $ended WHERE id = $id;";
                cmd.Parameters.AddWithValue("$ended", StoreWriterThread.FormatTime(NowUnixNs()));
                cmd.Parameters.AddWithValue("$id", RunId);
                cmd.ExecuteNonQuery();
            }
        }
        finally
        {
            _connection.Dispose();
        }
        if (fault is not null) throw Failed(fault);
    }
}
