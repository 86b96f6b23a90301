using Microsoft.Data.Sqlite;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Core.Tests.Trajectories;

/// <summary>Schema version 2 records each episode's acting policy. Version-1 files (written by earlier builds) must
/// stay readable, and a writer opening one migrates it in place without touching what it holds.</summary>
public sealed class StoreSchemaMigrationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-schema-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string Sha = new('c', 64);

    [Fact]
    public void Each_episode_records_the_policy_that_acted_defaulting_to_the_runs()
    {
        string path = Path.Combine(_dir, "v2.db");
        var switched = new ActingPolicy(9, new string('d', 64), new string('e', 64));
        using (var writer = TrajectoryWriter.Open(path, StoreFixtures.Pendulum(sha: Sha, policyVersion: 3) with { CheckpointSha256 = Sha }))
        {
            StoreFixtures.WriteEpisode(writer, 0, 3);
            writer.BeginEpisode(switched);
            writer.Append(new StepRecord(new float[3], new float[1], 1, -1, 9));
            writer.EndEpisode(false, true, new float[3]);
        }
        using var reader = TrajectoryReader.Open(path);
        Assert.Equal(2, reader.SchemaVersion);
        var episodes = reader.ReadEpisodes().ToList();
        Assert.Equal(new ActingPolicy(3, Sha, Sha), episodes[0].Policy);
        Assert.Equal(switched, episodes[1].Policy);
        RunRecord run = reader.Runs.Single();
        Assert.Equal(Environment.ProcessId, run.WriterPid);
        Assert.False(run.IsBeingWritten); // closed
        Assert.Throws<ArgumentException>(() => new ActingPolicy(-1, null, null).Validate());
    }

    [Fact]
    public void A_version_1_store_is_read_without_acting_policies_and_migrated_when_written()
    {
        string path = Path.Combine(_dir, "v1.db");
        CreateVersion1(path);
        using (var reader = TrajectoryReader.Open(path))
        {
            Assert.Equal(1, reader.SchemaVersion);
            EpisodeData old = Assert.Single(reader.ReadEpisodes());
            Assert.Null(old.Policy);
            Assert.Equal(2, old.Length);
            Assert.Null(reader.Runs.Single().WriterPid);
        }
        using (var writer = TrajectoryWriter.Open(path, StoreFixtures.Pendulum(sha: Sha, policyVersion: 4)))
            StoreFixtures.WriteEpisode(writer, 0, 2);
        using (var reader = TrajectoryReader.Open(path))
        {
            Assert.Equal(2, reader.SchemaVersion);
            var episodes = reader.ReadEpisodes().ToList();
            Assert.Equal(2, episodes.Count);
            Assert.Null(episodes[0].Policy);                 // the old episode keeps "unknown"
            Assert.Equal([0.5f, 0.25f, -1f], episodes[0].Observation(1).ToArray());
            Assert.Equal(4, episodes[1].Policy!.Version);    // the new one names its policy
        }
    }

    /// <summary>The version-1 layout exactly as earlier builds created it, with one run, one episode of two steps.</summary>
    private static void CreateVersion1(string path)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, ended_at TEXT, host TEXT NOT NULL, program TEXT NOT NULL,
                env_id TEXT NOT NULL, observation_space TEXT NOT NULL, action_space TEXT NOT NULL, model_sha256 TEXT, checkpoint_sha256 TEXT,
                policy_version INTEGER NOT NULL, plant TEXT, control_period REAL, notes TEXT);
            CREATE TABLE episodes (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), index_in_run INTEGER NOT NULL,
                started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL CHECK (status IN ('incomplete', 'complete')), length INTEGER,
                return REAL, terminated INTEGER NOT NULL DEFAULT 0, truncated INTEGER NOT NULL DEFAULT 0);
            CREATE UNIQUE INDEX episodes_by_run ON episodes(run_id, index_in_run);
            CREATE TABLE steps (episode_id INTEGER NOT NULL REFERENCES episodes(id), t INTEGER NOT NULL, observation BLOB NOT NULL,
                action BLOB NOT NULL, reward REAL NOT NULL, log_prob REAL, terminated INTEGER NOT NULL DEFAULT 0, truncated INTEGER NOT NULL DEFAULT 0,
                next_observation BLOB, timestamp_ns INTEGER NOT NULL, policy_version INTEGER NOT NULL, PRIMARY KEY (episode_id, t)) WITHOUT ROWID;
            PRAGMA application_id=1416785989; PRAGMA user_version=1;
            INSERT INTO runs VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', 'h', 'runtime 1.0', 'Pendulum-v1',
                $obs, $act, NULL, NULL, 2, NULL, 0.05, NULL);
            INSERT INTO episodes VALUES (1000000000, 1, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', 'complete', 2, -2, 0, 1);
            INSERT INTO steps VALUES (1000000000, 0, $o0, $a, -1, -0.5, 0, 0, NULL, 1, 2);
            INSERT INTO steps VALUES (1000000000, 1, $o1, $a, -1, -0.5, 0, 1, $o0, 2, 2);
            """;
        RunInfo run = StoreFixtures.Pendulum();
        cmd.Parameters.AddWithValue("$obs", run.ObservationSpace.ToJson());
        cmd.Parameters.AddWithValue("$act", run.ActionSpace.ToJson());
        cmd.Parameters.AddWithValue("$o0", Floats(0, 0, 0));
        cmd.Parameters.AddWithValue("$o1", Floats(0.5f, 0.25f, -1f));
        cmd.Parameters.AddWithValue("$a", Floats(0.1f));
        cmd.ExecuteNonQuery();
    }

    private static byte[] Floats(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }
}
