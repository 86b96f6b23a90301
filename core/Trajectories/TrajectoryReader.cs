using System.Globalization;
using Microsoft.Data.Sqlite;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Core.Trajectories;

/// <summary>Reads a trajectory store (DESIGN.md contract 3), read-only, while a writer may still be appending to it
/// (WAL: a reader sees the transactions committed when its query started and never blocks the writer).</summary>
public sealed class TrajectoryReader : IDisposable
{
    private readonly SqliteConnection _connection;
    private Dictionary<long, RunRecord> _runs;

    private TrajectoryReader(string path, SqliteConnection connection, int version)
    {
        Path = path;
        _connection = connection;
        SchemaVersion = version;
        _runs = LoadRuns();
    }

    /// <summary>Opens a store read-only. Throws <see cref="FileNotFoundException"/> when there is no file and
    /// <see cref="InvalidDataException"/> when the file is not a TrpoEdge store or is of a newer schema version.</summary>
    public static TrajectoryReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"There is no trajectory store at \"{full}\"; give the file the runtime wrote with --log.", full);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            int version = StoreSchema.CheckReadable(connection, full);
            return new TrajectoryReader(full, connection, version);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw StoreSchema.Translate(e, full);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public string Path { get; }
    public int SchemaVersion { get; }

    /// <summary>The runs in the file when it was opened (or last read), by id.</summary>
    public IReadOnlyList<RunRecord> Runs => _runs.Values.OrderBy(r => r.Id).ToList();

    /// <summary>Steps stored (in all runs, or in one).</summary>
    public long CountSteps(long? runId = null)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = runId is null
            ? "SELECT count(*) FROM steps;"
            : "SELECT count(*) FROM steps JOIN episodes ON steps.episode_id = episodes.id WHERE episodes.run_id = $run;";
        if (runId is { } r) cmd.Parameters.AddWithValue("$run", r);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>SQLite's own <c>PRAGMA integrity_check</c>: "ok", or the problems it found.</summary>
    public string CheckIntegrity()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check;";
        using var r = cmd.ExecuteReader();
        var lines = new List<string>();
        while (r.Read()) lines.Add(r.GetString(0));
        return string.Join("\n", lines);
    }

    /// <summary>Episodes in id order (all runs, or one), each with its steps. Lazy: one episode is in memory at a time.</summary>
    public IEnumerable<EpisodeData> ReadEpisodes(long? runId = null)
    {
        if (runId is { } id && !_runs.ContainsKey(id))
        {
            _runs = LoadRuns();
            if (!_runs.ContainsKey(id))
                throw new ArgumentException($"Run {id} is not in \"{Path}\"; its runs are {string.Join(", ", _runs.Keys.Order())}.", nameof(runId));
        }
        return Enumerate(runId);
    }

    private IEnumerable<EpisodeData> Enumerate(long? runId)
    {
        using var episodes = _connection.CreateCommand();
        string columns = "id, run_id, index_in_run, started_at, ended_at, status, terminated, truncated, " + EpisodePolicyColumns;
        episodes.CommandText = runId is null
            ? $"SELECT {columns} FROM episodes ORDER BY id;"
            : $"SELECT {columns} FROM episodes WHERE run_id = $run ORDER BY id;";
        if (runId is { } rid) episodes.Parameters.AddWithValue("$run", rid);
        using var steps = _connection.CreateCommand();
        steps.CommandText = """
            SELECT t, observation, action, reward, log_prob, next_observation, timestamp_ns, policy_version
            FROM steps WHERE episode_id = $episode ORDER BY t;
            """;
        var episodeParam = steps.Parameters.Add("$episode", SqliteType.Integer);
        using var er = episodes.ExecuteReader();
        while (er.Read())
        {
            long episodeId = er.GetInt64(0);
            long runOf = er.GetInt64(1);
            if (!_runs.TryGetValue(runOf, out var run))
            {
                _runs = LoadRuns();
                run = _runs.TryGetValue(runOf, out var r) ? r
                    : throw new InvalidDataException($"Episode {episodeId} in \"{Path}\" refers to run {runOf}, which is missing.");
            }
            string status = er.GetString(5);
            var episodeStatus = status switch
            {
                "complete" => EpisodeStatus.Complete,
                "incomplete" => EpisodeStatus.Incomplete,
                _ => throw new InvalidDataException($"Episode {episodeId} in \"{Path}\" has status \"{status}\"; expected 'complete' or 'incomplete'."),
            };
            episodeParam.Value = episodeId;
            yield return ReadSteps(steps, run, episodeId, er.GetInt32(2), episodeStatus,
                ParseTime(er.GetString(3)), er.IsDBNull(4) ? null : ParseTime(er.GetString(4)),
                er.GetInt64(6) != 0, er.GetInt64(7) != 0, ReadActingPolicy(er, 8));
        }
    }

    /// <summary>Decodes one episode's step rows (the command's $episode parameter already set); shared with
    /// <see cref="TrajectoryTail"/>, which selects episodes differently but stores nothing differently.</summary>
    internal EpisodeData ReadSteps(SqliteCommand steps, RunRecord run, long episodeId, int index, EpisodeStatus status,
        DateTimeOffset startedAt, DateTimeOffset? endedAt, bool terminated, bool truncated, ActingPolicy? policy)
    {
        int obs = run.ObservationSize, act = run.ActionSize;
        var observations = new List<float>();
        var actions = new List<float>();
        var rewards = new List<double>();
        var logProbs = new List<double>();
        var versions = new List<long>();
        var times = new List<long>();
        float[]? final = null;
        var obsRow = new float[obs];
        var actRow = new float[act];
        using (var r = steps.ExecuteReader())
        {
            while (r.Read())
            {
                int t = r.GetInt32(0);
                if (t != rewards.Count)
                    throw new InvalidDataException($"Episode {episodeId} in \"{Path}\" jumps to step {t} after {rewards.Count} steps; the store is damaged.");
                ReadFloats(r, 1, obsRow, episodeId, t, "observation");
                ReadFloats(r, 2, actRow, episodeId, t, "action");
                observations.AddRange(obsRow);
                actions.AddRange(actRow);
                rewards.Add(r.GetDouble(3));
                logProbs.Add(r.IsDBNull(4) ? double.NaN : r.GetDouble(4));
                if (!r.IsDBNull(5))
                {
                    final = new float[obs];
                    ReadFloats(r, 5, final, episodeId, t, "next_observation");
                }
                times.Add(r.GetInt64(6));
                versions.Add(r.GetInt64(7));
            }
        }
        // Only the last step's next observation is stored; one on an earlier row would be a writer bug.
        return new EpisodeData
        {
            Run = run,
            Id = episodeId,
            IndexInRun = index,
            Status = status,
            StartedAt = startedAt,
            EndedAt = endedAt,
            Terminated = terminated,
            Truncated = truncated,
            Observations = observations.ToArray(),
            Actions = actions.ToArray(),
            Rewards = rewards.ToArray(),
            LogProbs = logProbs.ToArray(),
            PolicyVersions = versions.ToArray(),
            TimestampsNs = times.ToArray(),
            FinalObservation = status == EpisodeStatus.Complete ? final : null,
            Policy = policy,
        };
    }

    /// <summary>The episode columns that name its acting policy; NULLs in a version-1 store, which has none.</summary>
    internal string EpisodePolicyColumns => SchemaVersion >= 2 ? "policy_version, checkpoint_sha256, model_sha256" : "NULL, NULL, NULL";

    /// <summary>The acting policy from the three columns at <paramref name="first"/>; null when the episode does not record one.</summary>
    internal static ActingPolicy? ReadActingPolicy(SqliteDataReader r, int first) =>
        r.IsDBNull(first) ? null
        : new ActingPolicy(r.GetInt64(first), r.IsDBNull(first + 1) ? null : r.GetString(first + 1), r.IsDBNull(first + 2) ? null : r.GetString(first + 2));

    private void ReadFloats(SqliteDataReader r, int column, float[] destination, long episodeId, int t, string what)
    {
        var blob = (byte[])r.GetValue(column);
        if (blob.Length != 4 * destination.Length)
            throw new InvalidDataException($"Episode {episodeId} step {t} in \"{Path}\" has a {blob.Length}-byte {what}; its run's space needs {destination.Length} float32 values ({4 * destination.Length} bytes).");
        FloatBlob.Decode(blob, destination);
    }

    private Dictionary<long, RunRecord> LoadRuns()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT id, started_at, ended_at, host, program, env_id, observation_space, action_space, model_sha256,
                   policy_version, plant, control_period, notes, checkpoint_sha256, {(SchemaVersion >= 2 ? "writer_pid, writer_started_at" : "NULL, NULL")}
            FROM runs ORDER BY id;
            """;
        using var r = cmd.ExecuteReader();
        var runs = new Dictionary<long, RunRecord>();
        while (r.Read())
        {
            long id = r.GetInt64(0);
            var info = new RunInfo
            {
                Host = r.GetString(3),
                Program = r.GetString(4),
                EnvId = r.GetString(5),
                ObservationSpace = ParseSpace(r.GetString(6), id, "observation_space"),
                ActionSpace = ParseSpace(r.GetString(7), id, "action_space"),
                ModelSha256 = r.IsDBNull(8) ? null : r.GetString(8),
                PolicyVersion = r.GetInt64(9),
                Plant = r.IsDBNull(10) ? null : r.GetString(10),
                ControlPeriod = r.IsDBNull(11) ? null : r.GetDouble(11),
                Notes = r.IsDBNull(12) ? null : r.GetString(12),
                CheckpointSha256 = r.IsDBNull(13) ? null : r.GetString(13),
            };
            runs[id] = new RunRecord(id, ParseTime(r.GetString(1)), r.IsDBNull(2) ? null : ParseTime(r.GetString(2)), info)
            {
                WriterPid = r.IsDBNull(14) ? null : r.GetInt32(14),
                WriterStartedAt = r.IsDBNull(15) ? null : r.GetString(15),
            };
        }
        return runs;
    }

    private SpaceSpec ParseSpace(string json, long runId, string column)
    {
        try { return SpaceSpec.Parse(json); }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new InvalidDataException($"Run {runId} in \"{Path}\" has an unreadable {column}: {e.Message}", e);
        }
    }

    internal static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public void Dispose() => _connection.Dispose();
}
