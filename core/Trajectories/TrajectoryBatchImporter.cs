using System.Globalization;
using Microsoft.Data.Sqlite;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Core.Trajectories;

/// <summary>Stores trajectory batches received over MQTT (TrajectoryBatch, hardware/PROTOCOL.md "Over MQTT") in a
/// trajectory store, idempotently: a batch's id is recorded in the table <c>imported_batches</c> in the SAME
/// transaction as its steps, so a batch delivered twice (QoS 1 redelivery, a publisher's retry after a broker
/// restart) is stored once, and a crash between the two is impossible. Each publisher run (its <c>run_key</c>) maps
/// to one local run (table <c>imported_runs</c>); its episodes keep their index in run, so their local ids follow the
/// store's rule (run id × 1e9 + index) and chunks of one episode arriving in several batches join up.
/// <para>The two tables are additions the reader ignores; the store's schema version is unchanged. Use from one
/// thread. Other writers (runtimes logging locally) may share the file.</para></summary>
public sealed class TrajectoryBatchImporter : IDisposable
{
    private const string ExtraSchema = """
        CREATE TABLE IF NOT EXISTS imported_runs (
            run_key TEXT PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            runtime_id TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS imported_batches (
            batch_id TEXT PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            steps INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        );
        """;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _seen, _findRun, _insertRun, _insertRunKey, _insertEpisode, _insertStep, _endEpisode, _closeEpisode,
        _endLastStep, _insertBatch;
    private readonly Dictionary<string, long> _runs = new(StringComparer.Ordinal);
    private bool _disposed;

    private TrajectoryBatchImporter(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
        _seen = Prepare("SELECT 1 FROM imported_batches WHERE batch_id = $id;", "$id");
        _findRun = Prepare("SELECT run_id FROM imported_runs WHERE run_key = $key;", "$key");
        _insertRun = Prepare("""
            INSERT INTO runs (started_at, ended_at, host, program, env_id, observation_space, action_space, model_sha256,
                              policy_version, plant, control_period, notes, checkpoint_sha256)
            VALUES ($started, NULL, $host, $program, $env, $obs, $act, $sha, $pv, $plant, $period, $notes, $ckpt);
            SELECT last_insert_rowid();
            """, "$started", "$host", "$program", "$env", "$obs", "$act", "$sha", "$pv", "$plant", "$period", "$notes", "$ckpt");
        _insertRunKey = Prepare("INSERT INTO imported_runs (run_key, run_id, runtime_id) VALUES ($key, $run, $rt);", "$key", "$run", "$rt");
        _insertEpisode = Prepare("""
            INSERT OR IGNORE INTO episodes (id, run_id, index_in_run, started_at, status, policy_version, checkpoint_sha256, model_sha256)
            VALUES ($id, $run, $index, $started, 'incomplete', $pv, $ckpt, $model);
            """, "$id", "$run", "$index", "$started", "$pv", "$ckpt", "$model");
        _insertStep = Prepare("""
            INSERT INTO steps (episode_id, t, observation, action, reward, log_prob, timestamp_ns, policy_version)
            VALUES ($ep, $t, $obs, $act, $r, $lp, $ts, $pv);
            """, "$ep", "$t", "$obs", "$act", "$r", "$lp", "$ts", "$pv");
        // An episode its writer closed without an end (TrajectoryWriter.AbandonEpisode: the rig link broke, or the rig did
        // not apply a command) arrives with an end time but no ending chunk: it stays incomplete, and finished.
        _closeEpisode = Prepare("UPDATE episodes SET ended_at = $ended WHERE id = $id AND status = 'incomplete';", "$id", "$ended");
        _endEpisode = Prepare("""
            UPDATE episodes SET status = 'complete', ended_at = $ended, terminated = $term, truncated = $trunc,
                length = (SELECT count(*) FROM steps WHERE episode_id = $id),
                return = (SELECT coalesce(sum(reward), 0) FROM steps WHERE episode_id = $id)
            WHERE id = $id;
            """, "$id", "$ended", "$term", "$trunc");
        _endLastStep = Prepare("""
            UPDATE steps SET terminated = $term, truncated = $trunc, next_observation = $next
            WHERE episode_id = $id AND t = (SELECT max(t) FROM steps WHERE episode_id = $id);
            """, "$id", "$term", "$trunc", "$next");
        _insertBatch = Prepare("INSERT INTO imported_batches (batch_id, run_id, steps, imported_at) VALUES ($id, $run, $steps, $at);",
            "$id", "$run", "$steps", "$at");
    }

    public string Path { get; }
    public long BatchesStored { get; private set; }
    public long DuplicatesIgnored { get; private set; }
    public long StepsStored { get; private set; }

    /// <summary>Opens (or creates) the store at <paramref name="path"/> for importing.</summary>
    public static TrajectoryBatchImporter Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return StoreSchema.OpenWritable(path, (connection, full) =>
        {
            using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = ExtraSchema;
                cmd.ExecuteNonQuery();
            }
            return new TrajectoryBatchImporter(full, connection);
        });
    }

    /// <summary>True when a batch with this id is already stored.</summary>
    public bool Contains(string batchId)
    {
        _seen.Transaction = null;
        _seen.Parameters["$id"].Value = batchId;
        return _seen.ExecuteScalar() is not null;
    }

    /// <summary>Stores the batch, or does nothing when its id was stored before. Returns true when stored now.
    /// Throws <see cref="InvalidDataException"/> (storing nothing) when the batch is malformed: sizes that disagree
    /// with its run's spaces, a chunk that does not continue its episode.</summary>
    public bool Import(TrajectoryBatch batch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(batch);
        if (string.IsNullOrEmpty(batch.BatchId) || string.IsNullOrEmpty(batch.RunKey))
            throw new InvalidDataException($"A trajectory batch from \"{batch.RuntimeId}\" has no batch_id or run_key; it cannot be stored idempotently.");
        using SqliteTransaction tx = _connection.BeginTransaction(deferred: false);
        _seen.Transaction = tx;
        _seen.Parameters["$id"].Value = batch.BatchId;
        if (_seen.ExecuteScalar() is not null)
        {
            tx.Rollback();
            DuplicatesIgnored++;
            return false;
        }
        long steps = 0;
        try
        {
            RunInfo info = ToRunInfo(batch);
            long runId = FindOrCreateRun(batch, info, tx);
            int obs = info.ObservationSpace.FlatSize, act = info.ActionSpace.FlatSize;
            foreach (EpisodeChunk chunk in batch.Chunks) steps += ImportChunk(batch, chunk, runId, obs, act, tx);
            Bind(_insertBatch, tx, ("$id", batch.BatchId), ("$run", runId), ("$steps", steps), ("$at", NowText()));
            _insertBatch.ExecuteNonQuery();
            tx.Commit();
        }
        catch
        {
            _runs.Remove(batch.RunKey); // the run row may have been rolled back with the batch
            throw;
        }
        BatchesStored++;
        StepsStored += steps;
        return true;
    }

    private long ImportChunk(TrajectoryBatch batch, EpisodeChunk c, long runId, int obs, int act, SqliteTransaction tx)
    {
        int n = c.Rewards.Count;
        string where = $"batch {batch.BatchId}, episode {c.IndexInRun}";
        if (c.Observations.Count != n * obs || c.Actions.Count != n * act || c.LogProbs.Count != n || c.PolicyVersions.Count != n || c.TimestampsNs.Count != n)
            throw new InvalidDataException($"{where}: {n} rewards but {c.Observations.Count} observation floats (needs {n * obs}), {c.Actions.Count} action floats (needs {n * act}), {c.LogProbs.Count} log-probs, {c.PolicyVersions.Count} versions, {c.TimestampsNs.Count} times.");
        if (c.EndsEpisode && c.FinalObservation.Count != 0 && c.FinalObservation.Count != obs)
            throw new InvalidDataException($"{where}: a final observation of {c.FinalObservation.Count} floats; the run's observations have {obs}.");
        long episodeId = TrajectoryWriter.EpisodeId(runId, (int)c.IndexInRun);
        ActingPolicy? acting = ToActingPolicy(c, where);
        Bind(_insertEpisode, tx, ("$id", episodeId), ("$run", runId), ("$index", (long)c.IndexInRun),
            ("$started", string.IsNullOrEmpty(c.StartedAt) ? NowText() : c.StartedAt),
            ("$pv", (object?)acting?.Version ?? DBNull.Value), ("$ckpt", (object?)acting?.CheckpointSha256 ?? DBNull.Value),
            ("$model", (object?)acting?.ModelSha256 ?? DBNull.Value));
        _insertEpisode.ExecuteNonQuery();

        float[] obsRow = new float[obs], actRow = new float[act];
        _insertStep.Transaction = tx;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < obs; j++) obsRow[j] = c.Observations[i * obs + j];
            for (int j = 0; j < act; j++) actRow[j] = c.Actions[i * act + j];
            _insertStep.Parameters["$ep"].Value = episodeId;
            _insertStep.Parameters["$t"].Value = (long)c.FirstT + i;
            _insertStep.Parameters["$obs"].Value = Blob(obsRow);
            _insertStep.Parameters["$act"].Value = Blob(actRow);
            _insertStep.Parameters["$r"].Value = c.Rewards[i];
            _insertStep.Parameters["$lp"].Value = double.IsNaN(c.LogProbs[i]) ? DBNull.Value : c.LogProbs[i];
            _insertStep.Parameters["$ts"].Value = c.TimestampsNs[i];
            _insertStep.Parameters["$pv"].Value = c.PolicyVersions[i];
            try
            {
                _insertStep.ExecuteNonQuery();
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 19)
            {
                throw new InvalidDataException($"{where}: step {c.FirstT + i} is already stored under another batch id; the publisher re-chunked a run it had sent. Nothing of this batch was stored.", e);
            }
        }
        if (!c.EndsEpisode && !string.IsNullOrEmpty(c.EndedAt))
        {
            Bind(_closeEpisode, tx, ("$id", episodeId), ("$ended", c.EndedAt));
            _closeEpisode.ExecuteNonQuery();
        }
        if (c.EndsEpisode)
        {
            Bind(_endEpisode, tx, ("$id", episodeId), ("$ended", string.IsNullOrEmpty(c.EndedAt) ? NowText() : c.EndedAt),
                ("$term", c.Terminated ? 1L : 0L), ("$trunc", c.Truncated ? 1L : 0L));
            _endEpisode.ExecuteNonQuery();
            Bind(_endLastStep, tx, ("$id", episodeId), ("$term", c.Terminated ? 1L : 0L), ("$trunc", c.Truncated ? 1L : 0L),
                ("$next", c.FinalObservation.Count == obs ? Blob(c.FinalObservation.ToArray()) : DBNull.Value));
            _endLastStep.ExecuteNonQuery();
        }
        return n;
    }

    /// <summary>The chunk's acting policy, validated; null when the publisher did not send one.</summary>
    private static ActingPolicy? ToActingPolicy(EpisodeChunk c, string where)
    {
        if (c.ActingPolicy is not { } p) return null;
        var acting = new ActingPolicy(p.PolicyVersion,
            string.IsNullOrEmpty(p.CheckpointSha256) ? null : p.CheckpointSha256, string.IsNullOrEmpty(p.ModelSha256) ? null : p.ModelSha256);
        try { acting.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"{where}: {e.Message}", e); }
        return acting;
    }

    private long FindOrCreateRun(TrajectoryBatch batch, RunInfo info, SqliteTransaction tx)
    {
        if (_runs.TryGetValue(batch.RunKey, out long known)) return known;
        Bind(_findRun, tx, ("$key", batch.RunKey));
        if (_findRun.ExecuteScalar() is long existing)
        {
            _runs[batch.RunKey] = existing;
            return existing;
        }
        RunDescription r = batch.Run;
        Bind(_insertRun, tx, ("$started", string.IsNullOrEmpty(r.StartedAt) ? NowText() : r.StartedAt), ("$host", info.Host),
            ("$program", info.Program), ("$env", info.EnvId), ("$obs", info.ObservationSpace.ToJson()), ("$act", info.ActionSpace.ToJson()),
            ("$sha", (object?)info.ModelSha256 ?? DBNull.Value), ("$pv", info.PolicyVersion), ("$plant", (object?)info.Plant ?? DBNull.Value),
            ("$period", (object?)info.ControlPeriod ?? DBNull.Value), ("$notes", (object?)info.Notes ?? DBNull.Value),
            ("$ckpt", (object?)info.CheckpointSha256 ?? DBNull.Value));
        long runId = (long)_insertRun.ExecuteScalar()!;
        Bind(_insertRunKey, tx, ("$key", batch.RunKey), ("$run", runId), ("$rt", batch.RuntimeId));
        _insertRunKey.ExecuteNonQuery();
        _runs[batch.RunKey] = runId;
        return runId;
    }

    private static RunInfo ToRunInfo(TrajectoryBatch batch)
    {
        RunDescription r = batch.Run ?? throw new InvalidDataException($"Batch {batch.BatchId} carries no run description.");
        SpaceSpec Space(string json, string what)
        {
            try { return SpaceSpec.Parse(json); }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new InvalidDataException($"Batch {batch.BatchId}: unreadable {what} \"{json}\": {e.Message}", e);
            }
        }
        var info = new RunInfo
        {
            EnvId = r.EnvId,
            ObservationSpace = Space(r.ObservationSpace, "observation space"),
            ActionSpace = Space(r.ActionSpace, "action space"),
            Program = string.IsNullOrEmpty(r.Program) ? "unknown" : r.Program,
            Host = string.IsNullOrEmpty(r.Host) ? batch.RuntimeId : r.Host,
            ModelSha256 = string.IsNullOrEmpty(r.ModelSha256) ? null : r.ModelSha256,
            CheckpointSha256 = string.IsNullOrEmpty(r.CheckpointSha256) ? null : r.CheckpointSha256,
            PolicyVersion = r.PolicyVersion,
            Plant = string.IsNullOrEmpty(r.Plant) ? null : r.Plant,
            ControlPeriod = r.ControlPeriod > 0 ? r.ControlPeriod : null,
            Notes = $"collected over MQTT from {batch.RuntimeId} ({batch.RunKey})" + (string.IsNullOrEmpty(r.Notes) ? "" : "; " + r.Notes),
        };
        try
        {
            info.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Batch {batch.BatchId}: {e.Message}", e);
        }
        return info;
    }

    private static byte[] Blob(float[] values)
    {
        var bytes = new byte[4 * values.Length];
        FloatBlob.AsLittleEndian(values, bytes).CopyTo(bytes);
        return bytes;
    }

    private static string NowText() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (string p in parameters) cmd.Parameters.Add(new SqliteParameter { ParameterName = p });
        return cmd;
    }

    private static void Bind(SqliteCommand cmd, SqliteTransaction tx, params (string Name, object Value)[] values)
    {
        cmd.Transaction = tx;
        foreach ((string name, object value) in values) cmd.Parameters[name].Value = value;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var cmd in new[] { _seen, _findRun, _insertRun, _insertRunKey, _insertEpisode, _insertStep, _endEpisode, _closeEpisode, _endLastStep, _insertBatch })
            cmd.Dispose();
        _connection.Dispose();
    }
}
