using SQLitePCL;

namespace TrpoEdge.Core.Trajectories;

/// <summary>A prepared statement on SQLite's C API, reused for every row. The writer thread inserts steps through
/// this rather than SqliteCommand because binding spans straight from the preallocated slots allocates nothing.</summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly string _sql;

    public RawStatement(sqlite3 db, string sql)
    {
        _db = db;
        _sql = sql;
        int rc = raw.sqlite3_prepare_v2(db, sql, out _stmt);
        if (rc != raw.SQLITE_OK) throw Error(rc, "prepare");
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_stmt, index, value));
    public void Bind(int index, double value)
    {
        // SQLite stores NaN as NULL; keep that explicit (a deterministic policy has no log-prob).
        Check(double.IsNaN(value) ? raw.sqlite3_bind_null(_stmt, index) : raw.sqlite3_bind_double(_stmt, index, value));
    }
    public void Bind(int index, ReadOnlySpan<byte> blob) => Check(raw.sqlite3_bind_blob(_stmt, index, blob));
    public void Bind(int index, string? text) =>
        Check(text is null ? raw.sqlite3_bind_null(_stmt, index) : raw.sqlite3_bind_text(_stmt, index, text));
    public void BindNull(int index) => Check(raw.sqlite3_bind_null(_stmt, index));

    /// <summary>Runs the statement to completion and resets it for the next row.</summary>
    public void Execute()
    {
        int rc = raw.sqlite3_step(_stmt);
        raw.sqlite3_reset(_stmt);
        if (rc != raw.SQLITE_DONE) throw Error(rc, "step");
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) throw Error(rc, "bind");
    }

    private Exception Error(int rc, string what) =>
        new IOException($"SQLite {what} failed with code {rc} ({raw.sqlite3_errmsg(_db).utf8_to_string()}) in: {_sql.Trim()}");

    public void Dispose() => _stmt.Dispose();
}
