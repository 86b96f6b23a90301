using Microsoft.Data.Sqlite;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Core.Tests.Trajectories;

public sealed class TrajectoryStoreFileCheckTests
{
    [Fact]
    public void A_text_file_is_refused_as_not_a_store_by_reader_and_writer_and_left_untouched()
    {
        using var store = new TempStore();
        File.WriteAllText(store.Path, "these are my notes, not a database\n");
        var r = Assert.Throws<InvalidDataException>(() => TrajectoryReader.Open(store.Path));
        Assert.Contains("is not a TrpoEdge trajectory store", r.Message);
        Assert.Contains(store.Path, r.Message);
        var w = Assert.Throws<InvalidDataException>(() => TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum()));
        Assert.Contains("is not a TrpoEdge trajectory store", w.Message);
        Assert.Equal("these are my notes, not a database\n", File.ReadAllText(store.Path));
    }

    [Fact]
    public void Another_programs_sqlite_database_is_refused_and_not_modified()
    {
        using var store = new TempStore();
        using (var c = new SqliteConnection($"Data Source={store.Path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('bread');";
            cmd.ExecuteNonQuery();
        }
        byte[] original = File.ReadAllBytes(store.Path);
        Assert.Contains("application_id is 0x00000000", Assert.Throws<InvalidDataException>(() => TrajectoryReader.Open(store.Path)).Message);
        Assert.Contains("schema objects of its own", Assert.Throws<InvalidDataException>(() => TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum())).Message);
        using (var c = new SqliteConnection($"Data Source={store.Path};Mode=ReadOnly;Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT group_concat(name) FROM sqlite_master";
            Assert.Equal("recipes", cmd.ExecuteScalar());
            cmd.CommandText = "PRAGMA journal_mode";
            Assert.Equal("delete", cmd.ExecuteScalar()); // not switched to WAL by the refused writer
        }
        Assert.Equal(original, File.ReadAllBytes(store.Path));
    }

    [Fact]
    public void A_store_of_a_newer_schema_version_is_refused_with_both_versions()
    {
        using var store = new TempStore();
        using (var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum())) { }
        using (var c = new SqliteConnection($"Data Source={store.Path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 3";
            cmd.ExecuteNonQuery();
        }
        var e = Assert.Throws<InvalidDataException>(() => TrajectoryReader.Open(store.Path));
        Assert.Contains("schema version 3", e.Message);
        Assert.Contains("version 2 this build understands", e.Message);
        Assert.Throws<InvalidDataException>(() => TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum()));
    }

    [Fact]
    public void A_missing_file_is_reported_as_missing_and_not_created_by_the_reader()
    {
        using var store = new TempStore();
        var e = Assert.Throws<FileNotFoundException>(() => TrajectoryReader.Open(store.Path));
        Assert.Contains(store.Path, e.Message);
        Assert.False(File.Exists(store.Path));
    }

    [Fact]
    public void A_new_store_is_marked_with_the_application_id_and_version_and_uses_wal()
    {
        using var store = new TempStore();
        using var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum());
        using var c = new SqliteConnection($"Data Source={store.Path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA application_id";
        Assert.Equal(0x54727045L, cmd.ExecuteScalar());
        cmd.CommandText = "PRAGMA user_version";
        Assert.Equal(2L, cmd.ExecuteScalar());
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }
}
