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
        _episodes.CommandText = $"""
            SELECT id, index_in_run, started_at, ended_at, status, terminated, truncated, {reader.EpisodePolicyColumns} FROM episodes
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
        var heads = new List<(long Id, int Index, string Started, string? Ended, string Status, bool Term, bool Trunc, ActingPolicy? Policy)>();
        using (var r = _episodes.ExecuteReader())
            while (r.Read())
                heads.Add((r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetInt64(5) != 0, r.GetInt64(6) != 0,
                    TrajectoryReader.ReadActingPolicy(r, 7)));
        var result = new List<EpisodeData>(heads.Count);
        foreach (var h in heads)
        {
            EpisodeStatus status = h.Status == "complete" ? EpisodeStatus.Complete : EpisodeStatus.Incomplete;
            result.Add(ReadEpisode(h.Id, h.Index, status, TrajectoryReader.ParseTime(h.Started), h.Ended is null ? null : TrajectoryReader.ParseTime(h.Ended), h.Term, h.Trunc, h.Policy));
        }
        return result;
    }

    private EpisodeData ReadEpisode(long id, int index, EpisodeStatus status, DateTimeOffset started, DateTimeOffset? ended, bool terminated, bool truncated, ActingPolicy? policy)
    {
        _steps.Parameters["$episode"].Value = id;
        return _reader.ReadSteps(_steps, Run, id, index, status, started, ended, terminated, truncated, policy);
    }

    public void Dispose()
    {
        _episodes.Dispose();
        _steps.Dispose();
        _connection.Dispose();
        _reader.Dispose();
    }
}
