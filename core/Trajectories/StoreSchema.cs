using Microsoft.Data.Sqlite;

namespace TrpoEdge.Core.Trajectories;

/// <summary>The store's SQLite schema (DESIGN.md contract 3) and the checks that a file is one. The file is
/// marked by <c>PRAGMA application_id</c> (so a stranger's SQLite file is refused) and versioned by
/// <c>PRAGMA user_version</c> (so an older build refuses a newer layout instead of misreading it).
/// <para>Version 2 added the acting policy of every episode (<c>episodes.policy_version</c>,
/// <c>checkpoint_sha256</c>, <c>model_sha256</c>) and the writing process (<c>runs.writer_pid</c>,
/// <c>writer_started_at</c>). A version-1 store stays readable (its episodes have no recorded acting policy; the
/// trainer then falls back to the run's policy only where every step's version agrees with it), and opening one for
/// writing migrates it in place: the columns are added empty and the version raised, in one transaction.</para></summary>
internal static class StoreSchema
{
    /// <summary>"TrpE" in ASCII.</summary>
    public const int ApplicationId = 0x54727045;
    public const int Version = 2;
    /// <summary>The oldest schema version this build reads (and migrates when writing).</summary>
    public const int OldestReadable = 1;

    // Times of runs and episodes are ISO-8601 UTC text so the file reads well in the sqlite3 shell; step times are
    // integer Unix nanoseconds because there are many of them. Observations and actions are float32 little-endian
    // blobs. A step row holds (observation, action, reward) of one step; the observation that followed step t is the
    // observation of row t+1, except for the last row of an episode, which carries it in next_observation once the
    // episode ends (a crash leaves it null, and the episode 'incomplete').
    private const string MigrateFrom1Sql = """
        ALTER TABLE runs ADD COLUMN writer_pid INTEGER;
        ALTER TABLE runs ADD COLUMN writer_started_at TEXT;
        ALTER TABLE episodes ADD COLUMN policy_version INTEGER;
        ALTER TABLE episodes ADD COLUMN checkpoint_sha256 TEXT;
        ALTER TABLE episodes ADD COLUMN model_sha256 TEXT;
        """;

    private const string CreateSql = """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            host TEXT NOT NULL,
            program TEXT NOT NULL,
            env_id TEXT NOT NULL,
            observation_space TEXT NOT NULL,
            action_space TEXT NOT NULL,
            model_sha256 TEXT,
            checkpoint_sha256 TEXT,
            policy_version INTEGER NOT NULL,
            plant TEXT,
            control_period REAL,
            notes TEXT,
            writer_pid INTEGER,
            writer_started_at TEXT
        );
        CREATE TABLE episodes (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            index_in_run INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('incomplete', 'complete')),
            length INTEGER,
            return REAL,
            terminated INTEGER NOT NULL DEFAULT 0,
            truncated INTEGER NOT NULL DEFAULT 0,
            policy_version INTEGER,
            checkpoint_sha256 TEXT,
            model_sha256 TEXT
        );
        CREATE UNIQUE INDEX episodes_by_run ON episodes(run_id, index_in_run);
        CREATE TABLE steps (
            episode_id INTEGER NOT NULL REFERENCES episodes(id),
            t INTEGER NOT NULL,
            observation BLOB NOT NULL,
            action BLOB NOT NULL,
            reward REAL NOT NULL,
            log_prob REAL,
            terminated INTEGER NOT NULL DEFAULT 0,
            truncated INTEGER NOT NULL DEFAULT 0,
            next_observation BLOB,
            timestamp_ns INTEGER NOT NULL,
            policy_version INTEGER NOT NULL,
            PRIMARY KEY (episode_id, t)
        ) WITHOUT ROWID;
        """;

    /// <summary>Opens (creating the file and its directory if needed) a store for writing, checks it with
    /// <see cref="EnsureWritable"/>, and hands the connection to <paramref name="build"/>. Any failure on the way
    /// closes the connection; SQLite's errors come back as messages that name the file.</summary>
    public static T OpenWritable<T>(string path, Func<SqliteConnection, string, T> build)
    {
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Without pooling, Dispose really closes the file: the WAL is checkpointed and removed, and the file can be moved.
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            EnsureWritable(connection, full);
            return build(connection, full);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Translate(e, full);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Creates the schema in an empty file, or checks that an existing file is a store this build can write.</summary>
    public static void EnsureWritable(SqliteConnection connection, string path)
    {
        // Another writer may hold the write lock for one batch; wait for it rather than fail.
        Execute(connection, "PRAGMA busy_timeout=10000;");
        // Identify the file before changing anything in it: a stranger's database must be left exactly as it was.
        CheckEmptyOrStore(connection, path, null);
        string mode = Scalar<string>(connection, "PRAGMA journal_mode=WAL;");
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new IOException($"Could not switch \"{path}\" to write-ahead logging (journal mode stayed \"{mode}\"); the store needs a local file system that supports shared memory.");
        Execute(connection, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");

        // Checked again under the write lock: another writer may have created the schema meanwhile.
        using var tx = connection.BeginTransaction(deferred: false);
        if (CheckEmptyOrStore(connection, path, tx))
        {
            Execute(connection, CreateSql, tx);
            Execute(connection, $"PRAGMA application_id={ApplicationId}; PRAGMA user_version={Version};", tx);
        }
        else if (Scalar<int>(connection, "PRAGMA user_version;", tx) == 1)
        {
            Execute(connection, MigrateFrom1Sql, tx);
            Execute(connection, $"PRAGMA user_version={Version};", tx);
        }
        tx.Commit();
    }

    /// <summary>True for an empty database, false for a store this build can use; throws for anything else.</summary>
    private static bool CheckEmptyOrStore(SqliteConnection connection, string path, SqliteTransaction? tx)
    {
        int appId = Scalar<int>(connection, "PRAGMA application_id;", tx);
        int version = Scalar<int>(connection, "PRAGMA user_version;", tx);
        if (appId == 0 && version == 0)
        {
            long tables = Scalar<long>(connection, "SELECT count(*) FROM sqlite_master;", tx);
            if (tables != 0)
                throw NotAStore(path, $"it is an SQLite database with {tables} schema objects of its own");
            return true;
        }
        CheckIdentity(path, appId, version);
        return false;
    }

    /// <summary>Checks a file opened for reading.</summary>
    public static int CheckReadable(SqliteConnection connection, string path)
    {
        int appId = Scalar<int>(connection, "PRAGMA application_id;");
        int version = Scalar<int>(connection, "PRAGMA user_version;");
        CheckIdentity(path, appId, version);
        return version;
    }

    private static void CheckIdentity(string path, int appId, int version)
    {
        if (appId != ApplicationId)
            throw NotAStore(path, $"its SQLite application_id is 0x{appId:x8}, not TrpoEdge's 0x{ApplicationId:x8}");
        if (version > Version)
            throw new InvalidDataException($"\"{path}\" is a TrpoEdge trajectory store of schema version {version}, newer than the version {Version} this build understands; read it with a newer TrpoEdge.");
        if (version < OldestReadable)
            throw new InvalidDataException($"\"{path}\" carries TrpoEdge's application id but schema version {version}; the file is damaged or was not finished by its writer. Start a new store.");
    }

    public static InvalidDataException NotAStore(string path, string why) =>
        new($"\"{path}\" is not a TrpoEdge trajectory store: {why}. Give a store written by the runtime (runtime --log FILE), or a new file name to create one.");

    /// <summary>Wraps SQLite's "file is not a database" (code 26) in the store's own message.</summary>
    public static Exception Translate(SqliteException e, string path) =>
        e.SqliteErrorCode == 26 ? NotAStore(path, "it is not an SQLite database (" + e.Message + ")") : e;

    private static T Scalar<T>(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        object? value = cmd.ExecuteScalar();
        return (T)Convert.ChangeType(value ?? throw new InvalidDataException($"\"{sql}\" returned nothing."), typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }
}
