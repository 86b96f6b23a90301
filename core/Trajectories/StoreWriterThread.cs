using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace TrpoEdge.Core.Trajectories;

/// <summary>The consumer side of <see cref="TrajectoryWriter"/>: one dedicated thread drains the channel and
/// commits a transaction every <see cref="TrajectoryWriterOptions.BatchSize"/> steps or
/// <see cref="TrajectoryWriterOptions.FlushInterval"/>, whichever comes first.</summary>
internal sealed class StoreWriterThread : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly ChannelReader<WriterMessage> _reader;
    private readonly float[] _slots;
    private readonly int _slotFloats;
    private readonly int _obsSize;
    private readonly long _runId;
    private readonly int _batchSize;
    private readonly long _flushTicks;
    private readonly byte[] _scratch;
    private readonly Action<long> _onCommit;

    private readonly RawStatement _begin;
    private readonly RawStatement _commit;
    private readonly RawStatement _rollback;
    private readonly RawStatement _insertStep;
    private readonly RawStatement _insertEpisode;
    private readonly RawStatement _endEpisode;
    private readonly RawStatement _endLastStep;
    private readonly RawStatement _abandonEpisode;

    private bool _inTransaction;
    private long _deadline;
    private int _batchSteps;
    private long _committedSteps;

    public StoreWriterThread(SqliteConnection connection, ChannelReader<WriterMessage> reader, float[] slots,
        int obsSize, int actSize, long runId, TrajectoryWriterOptions options, Action<long> onCommit)
    {
        _connection = connection;
        _reader = reader;
        _slots = slots;
        _obsSize = obsSize;
        _slotFloats = obsSize + actSize;
        _runId = runId;
        _batchSize = options.BatchSize;
        _flushTicks = (long)(options.FlushInterval.TotalSeconds * Stopwatch.Frequency);
        _scratch = new byte[4 * Math.Max(obsSize, actSize)];
        _onCommit = onCommit;

        var db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        _begin = new RawStatement(db, "BEGIN IMMEDIATE");
        _commit = new RawStatement(db, "COMMIT");
        _rollback = new RawStatement(db, "ROLLBACK");
        _insertStep = new RawStatement(db,
            "INSERT INTO steps (episode_id, t, observation, action, reward, log_prob, timestamp_ns, policy_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        _insertEpisode = new RawStatement(db,
            "INSERT INTO episodes (id, run_id, index_in_run, started_at, status, policy_version, checkpoint_sha256, model_sha256) VALUES (?1, ?2, ?3, ?4, 'incomplete', ?5, ?6, ?7)");
        _endEpisode = new RawStatement(db,
            "UPDATE episodes SET status = 'complete', ended_at = ?2, length = ?3, return = ?4, terminated = ?5, truncated = ?6 WHERE id = ?1");
        _endLastStep = new RawStatement(db,
            "UPDATE steps SET terminated = ?3, truncated = ?4, next_observation = ?5 WHERE episode_id = ?1 AND t = ?2");
        _abandonEpisode = new RawStatement(db,
            "UPDATE episodes SET ended_at = ?2, length = ?3, return = ?4 WHERE id = ?1");
    }

    public long CommittedSteps => Volatile.Read(ref _committedSteps);

    /// <summary>Runs until the channel is completed and drained. Throws what went wrong; the caller records it.</summary>
    public void Run()
    {
        try
        {
            while (true)
            {
                if (_reader.TryRead(out var message))
                {
                    Process(message);
                    if (_batchSteps >= _batchSize) Commit();
                    continue;
                }
                if (_inTransaction)
                {
                    // A batch is open and the channel is empty: poll until more arrives or the batch's deadline passes.
                    // Polling rather than a timed wait on WaitToReadAsync keeps this thread from allocating a Task per
                    // step at control-loop rates (garbage here means collections that pause the control loop too).
                    if (Stopwatch.GetTimestamp() >= _deadline) Commit();
                    else if (_reader.Completion.IsCompleted) break;
                    else Thread.Sleep(1);
                    continue;
                }
                // Idle with everything committed: block until the next message (one wait per batch, not per step).
                if (!_reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) break;
            }
            if (_inTransaction) Commit();
        }
        catch
        {
            if (_inTransaction)
            {
                try { _rollback.Execute(); } catch (IOException) { /* the original error matters, not this one */ }
                _inTransaction = false;
            }
            throw;
        }
    }

    private void Process(in WriterMessage m)
    {
        if (!_inTransaction)
        {
            _begin.Execute();
            _inTransaction = true;
            _deadline = Stopwatch.GetTimestamp() + _flushTicks;
        }
        switch (m.Kind)
        {
            case WriterMessageKind.Step:
            {
                var slot = _slots.AsSpan(m.Slot * _slotFloats, _slotFloats);
                _insertStep.Bind(1, m.EpisodeId);
                _insertStep.Bind(2, (long)m.T);
                _insertStep.Bind(3, FloatBlob.AsLittleEndian(slot[.._obsSize], _scratch));
                _insertStep.Bind(4, FloatBlob.AsLittleEndian(slot[_obsSize..], _scratch));
                _insertStep.Bind(5, m.Reward);
                _insertStep.Bind(6, m.LogProb);
                _insertStep.Bind(7, m.TimestampNs);
                _insertStep.Bind(8, m.PolicyVersion);
                _insertStep.Execute();
                _batchSteps++;
                break;
            }
            case WriterMessageKind.BeginEpisode:
                _insertEpisode.Bind(1, m.EpisodeId);
                _insertEpisode.Bind(2, _runId);
                _insertEpisode.Bind(3, (long)m.T);
                _insertEpisode.Bind(4, FormatTime(m.TimestampNs));
                _insertEpisode.Bind(5, m.PolicyVersion);
                _insertEpisode.Bind(6, m.Policy?.CheckpointSha256);
                _insertEpisode.Bind(7, m.Policy?.ModelSha256);
                _insertEpisode.Execute();
                break;
            case WriterMessageKind.EndEpisode:
                _endEpisode.Bind(1, m.EpisodeId);
                _endEpisode.Bind(2, FormatTime(m.TimestampNs));
                _endEpisode.Bind(3, (long)m.T);
                _endEpisode.Bind(4, m.Reward);
                _endEpisode.Bind(5, m.Terminated ? 1L : 0L);
                _endEpisode.Bind(6, m.Truncated ? 1L : 0L);
                _endEpisode.Execute();
                if (m.T > 0)
                {
                    var finalObs = _slots.AsSpan(m.Slot * _slotFloats, _obsSize);
                    _endLastStep.Bind(1, m.EpisodeId);
                    _endLastStep.Bind(2, (long)(m.T - 1));
                    _endLastStep.Bind(3, m.Terminated ? 1L : 0L);
                    _endLastStep.Bind(4, m.Truncated ? 1L : 0L);
                    _endLastStep.Bind(5, FloatBlob.AsLittleEndian(finalObs, _scratch));
                    _endLastStep.Execute();
                }
                break;
            case WriterMessageKind.AbandonEpisode:
                _abandonEpisode.Bind(1, m.EpisodeId);
                _abandonEpisode.Bind(2, FormatTime(m.TimestampNs));
                _abandonEpisode.Bind(3, (long)m.T);
                _abandonEpisode.Bind(4, m.Reward);
                _abandonEpisode.Execute();
                break;
            default:
                throw new InvalidOperationException($"Unknown writer message kind {m.Kind}.");
        }
    }

    private void Commit()
    {
        _commit.Execute();
        _inTransaction = false;
        long committed = _committedSteps + _batchSteps;
        _batchSteps = 0;
        Volatile.Write(ref _committedSteps, committed);
        _onCommit(committed);
    }

    public static string FormatTime(long unixNs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks(unixNs / 100).ToString("O", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _begin.Dispose();
        _commit.Dispose();
        _rollback.Dispose();
        _insertStep.Dispose();
        _insertEpisode.Dispose();
        _endEpisode.Dispose();
        _endLastStep.Dispose();
        _abandonEpisode.Dispose();
    }
}
