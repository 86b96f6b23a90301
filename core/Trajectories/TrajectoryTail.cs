using System.Globalization;
using Microsoft.Data.Sqlite;

namespace TrpoEdge.Core.Trajectories;

/// <summary>Follows one run of a store while its writer is still appending: <see cref="ReadAfter"/> returns the
/// episodes with an index above a cursor, reading only those (the store's primary keys make that a range scan), so
/// a publisher that polls a long run pays for the new episodes, not for the whole run each time —
/// <see cref="TrajectoryReader.ReadEpisodes"/> reads every episode of the run from its start. Read-only; the writer
/// is never blocked (WAL).</summary>
public sealed class TrajectoryTail : IDisposable
{
    private readonly TrajectoryReader _reader;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _episodes, _steps;

    private TrajectoryTail(TrajectoryReader reader, RunRecord run, SqliteConnection connection)
    {
        _reader = reader;
        Run = run;
        _connection = connection;
        _episodes = connection.CreateCommand();
        _episodes.CommandText = """
            SELECT id, index_in_run, started_at, ended_at, status, terminated, truncated FROM episodes
            WHERE id > $after AND id < $end ORDER BY id LIMIT $limit;
            """;
        _episodes.Parameters.Add("$after", SqliteType.Integer);
        _episodes.Parameters.Add("$end", SqliteType.Integer);
        _episodes.Parameters.Add("$limit", SqliteType.Integer);
        _steps = connection.CreateCommand();
        _steps.CommandText = "SELECT t, observation, action, reward, log_prob, next_observation, timestamp_ns, policy_version FROM steps WHERE episode_id = $episode ORDER BY t;";
        _steps.Parameters.Add("$episode", SqliteType.Integer);
    }

    public RunRecord Run { get; }

    /// <summary>Opens <paramref name="path"/> read-only to follow run <paramref name="runId"/>.</summary>
    public static TrajectoryTail Open(string path, long runId)
    {
        TrajectoryReader reader = TrajectoryReader.Open(path);
        try
        {
            RunRecord run = reader.Runs.FirstOrDefault(r => r.Id == runId)
                ?? throw new ArgumentException($"Run {runId} is not in \"{reader.Path}\"; its runs are {string.Join(", ", reader.Runs.Select(r => r.Id))}.", nameof(runId));
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = reader.Path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString());
            connection.Open();
            return new TrajectoryTail(reader, run, connection);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Episodes of the run with index above <paramref name="afterIndex"/> (-1: from the first), in order, at
    /// most <paramref name="limit"/>. The last one may still be open (<see cref="EpisodeStatus.Incomplete"/>).</summary>
    public IReadOnlyList<EpisodeData> ReadAfter(int afterIndex, int limit = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(afterIndex, -1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _episodes.Parameters["$after"].Value = TrajectoryWriter.EpisodeId(Run.Id, 0) + afterIndex;
        _episodes.Parameters["$end"].Value = TrajectoryWriter.EpisodeId(Run.Id + 1, 0);
        _episodes.Parameters["$limit"].Value = limit;
        var heads = new List<(long Id, int Index, string Started, string? Ended, string Status, bool Term, bool Trunc)>();
        using (var r = _episodes.ExecuteReader())
            while (r.Read())
                heads.Add((r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetInt64(5) != 0, r.GetInt64(6) != 0));
        var result = new List<EpisodeData>(heads.Count);
        foreach (var h in heads)
        {
            EpisodeStatus status = h.Status == "complete" ? EpisodeStatus.Complete : EpisodeStatus.Incomplete;
            result.Add(ReadEpisode(h.Id, h.Index, status, Time(h.Started), h.Ended is null ? null : Time(h.Ended), h.Term, h.Trunc));
        }
        return result;
    }

    private EpisodeData ReadEpisode(long id, int index, EpisodeStatus status, DateTimeOffset started, DateTimeOffset? ended, bool terminated, bool truncated)
    {
        int obs = Run.ObservationSize, act = Run.ActionSize;
        var observations = new List<float>();
        var actions = new List<float>();
        var rewards = new List<double>();
        var logProbs = new List<double>();
        var versions = new List<long>();
        var times = new List<long>();
        float[]? final = null;
        var obsRow = new float[obs];
        var actRow = new float[act];
        _steps.Parameters["$episode"].Value = id;
        using (var r = _steps.ExecuteReader())
        {
            while (r.Read())
            {
                int t = r.GetInt32(0);
                if (t != rewards.Count)
                    throw new InvalidDataException($"Episode {id} in \"{_reader.Path}\" jumps to step {t} after {rewards.Count} steps; the store is damaged.");
                Floats(r, 1, obsRow, id, t);
                Floats(r, 2, actRow, id, t);
                observations.AddRange(obsRow);
                actions.AddRange(actRow);
                rewards.Add(r.GetDouble(3));
                logProbs.Add(r.IsDBNull(4) ? double.NaN : r.GetDouble(4));
                if (!r.IsDBNull(5))
                {
                    final = new float[obs];
                    Floats(r, 5, final, id, t);
                }
                times.Add(r.GetInt64(6));
                versions.Add(r.GetInt64(7));
            }
        }
        return new EpisodeData
        {
            Run = Run,
            Id = id,
            IndexInRun = index,
            Status = status,
            StartedAt = started,
            EndedAt = ended,
            Terminated = terminated,
            Truncated = truncated,
            Observations = observations.ToArray(),
            Actions = actions.ToArray(),
            Rewards = rewards.ToArray(),
            LogProbs = logProbs.ToArray(),
            PolicyVersions = versions.ToArray(),
            TimestampsNs = times.ToArray(),
            FinalObservation = status == EpisodeStatus.Complete ? final : null,
        };
    }

    private void Floats(SqliteDataReader r, int column, float[] destination, long id, int t)
    {
        var blob = (byte[])r.GetValue(column);
        if (blob.Length != 4 * destination.Length)
            throw new InvalidDataException($"Episode {id} step {t} in \"{_reader.Path}\" has a {blob.Length}-byte value in column {column}; its run's space needs {4 * destination.Length} bytes.");
        FloatBlob.Decode(blob, destination);
    }

    private static DateTimeOffset Time(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public void Dispose()
    {
        _episodes.Dispose();
        _steps.Dispose();
        _connection.Dispose();
        _reader.Dispose();
    }
}
