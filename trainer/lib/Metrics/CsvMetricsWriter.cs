using System.Globalization;
using System.Text;

namespace TrpoEdge.Trainer.Metrics;

/// <summary>
/// Writes the diagnostics as CSV: columns <c>step</c>, <c>wall_time</c> (Unix seconds), then one
/// column per key, an empty cell where a row lacks the key (evaluation keys appear only every few
/// updates). Invariant culture, shortest round-trip number format, one flushed line per row.
/// <para>
/// The column set is fixed at construction (default: <see cref="MetricKeys.All"/>) because a CSV
/// header cannot grow without rewriting the whole file, and a file that changes shape mid-run
/// breaks every reader tailing it. A key outside the set is a programming error and is refused
/// with the list of columns, rather than silently dropped.
/// </para>
/// </summary>
public sealed class CsvMetricsWriter : IMetricsSink
{
    private readonly StreamWriter _writer;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, int> _columnIndex;
    private readonly string[] _columns;
    private readonly double[] _row;
    private readonly bool[] _present;
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Creates (or truncates) <paramref name="path"/> with the columns of <see cref="MetricKeys.All"/>.</summary>
    public CsvMetricsWriter(string path)
        : this(path, MetricKeys.All, TimeProvider.System)
    {
    }

    public CsvMetricsWriter(string path, IReadOnlyList<string> columns)
        : this(path, columns, TimeProvider.System)
    {
    }

    /// <param name="path">Created or truncated; its directory is created if missing.</param>
    /// <param name="columns">The metric columns, in order, after <c>step</c> and <c>wall_time</c>.</param>
    /// <param name="timeProvider">The clock for <c>wall_time</c> (tests pin it).</param>
    public CsvMetricsWriter(string path, IReadOnlyList<string> columns, TimeProvider timeProvider)
        : this(path, columns, timeProvider, append: false)
    {
    }

    /// <summary>For a resumed run: continues <paramref name="path"/> when it already starts with this writer's
    /// header, so the rows logged before the interruption stay. A file with another header (written by another
    /// version) is not overwritten either: it is moved aside to <c>NAME.1.csv</c> (or the next free number) and a new
    /// file is started.</summary>
    public static CsvMetricsWriter Continue(string path) => new(path, MetricKeys.All, TimeProvider.System, append: true);

    private CsvMetricsWriter(string path, IReadOnlyList<string> columns, TimeProvider timeProvider, bool append)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(timeProvider);

        _columns = [.. columns];
        _columnIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _columns.Length; i++)
        {
            string c = _columns[i];
            if (string.IsNullOrEmpty(c))
            {
                throw new ArgumentException($"CSV column {i} has an empty name; every column needs a metric key.", nameof(columns));
            }

            if (c is "step" or "wall_time")
            {
                throw new ArgumentException($"CSV column '{c}' is written automatically; leave it out of the column list.", nameof(columns));
            }

            if (!_columnIndex.TryAdd(c, i))
            {
                throw new ArgumentException($"CSV column '{c}' is listed twice; list each metric key once.", nameof(columns));
            }
        }

        _row = new double[_columns.Length];
        _present = new bool[_columns.Length];
        _time = timeProvider;

        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        FilePath = path;
        var header = new StringBuilder("step,wall_time");
        foreach (string c in _columns)
        {
            header.Append(',').Append(Escape(c));
        }

        bool continuing = append && File.Exists(path) && StartsWithHeader(path, header.ToString());
        if (append && File.Exists(path) && !continuing)
        {
            File.Move(path, FreeSibling(path));
        }

        var stream = new FileStream(path, continuing ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
        // A crash can leave the last row without its newline; start the first new row on a line of its own.
        bool needsNewline = continuing && stream.Length > 0 && LastByte(path) != (byte)'\n';
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false))
        {
            NewLine = "\n",
        };

        if (needsNewline)
        {
            _writer.WriteLine();
        }

        if (!continuing)
        {
            _writer.WriteLine(header.ToString());
        }

        _writer.Flush();
    }

    private static bool StartsWithHeader(string path, string header)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return reader.ReadLine() == header;
    }

    private static byte LastByte(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(-1, SeekOrigin.End);
        return (byte)file.ReadByte();
    }

    private static string FreeSibling(string path)
    {
        string dir = Path.GetDirectoryName(path) ?? "", name = Path.GetFileNameWithoutExtension(path), ext = Path.GetExtension(path);
        for (int n = 1; ; n++)
        {
            string candidate = Path.Combine(dir, $"{name}.{n}{ext}");
            if (!File.Exists(candidate)) return candidate;
        }
    }

    public string FilePath { get; }

    /// <summary>The metric columns after <c>step</c> and <c>wall_time</c>.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>Appends one row and flushes it to the operating system.</summary>
    public void Write(long step, IReadOnlyList<KeyValuePair<string, double>> scalars)
    {
        ArgumentNullException.ThrowIfNull(scalars);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Array.Clear(_present);
            foreach (KeyValuePair<string, double> kv in scalars)
            {
                if (kv.Key is null || !_columnIndex.TryGetValue(kv.Key, out int i))
                {
                    throw new ArgumentException(
                        $"Metric '{kv.Key}' at step {step} is not a column of {FilePath}; its columns are: " +
                        $"{string.Join(", ", _columns)}. Pass the key in the CsvMetricsWriter's column list.",
                        nameof(scalars));
                }

                if (_present[i])
                {
                    throw new ArgumentException(
                        $"Metric '{kv.Key}' appears twice in the row for step {step}; report each key once per row.",
                        nameof(scalars));
                }

                _present[i] = true;
                _row[i] = kv.Value;
            }

            double wall = (_time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
            _writer.Write(step.ToString(CultureInfo.InvariantCulture));
            _writer.Write(',');
            _writer.Write(Format(wall));
            for (int i = 0; i < _columns.Length; i++)
            {
                _writer.Write(',');
                if (_present[i])
                {
                    _writer.Write(Format(_row[i]));
                }
            }

            _writer.WriteLine();
            _writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writer.Dispose();
        }
    }

    /// <summary>Shortest text that parses back to the same double ("NaN", "Infinity", "-Infinity" for the specials).</summary>
    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>RFC 4180 quoting, for keys that contain a comma, quote or line break.</summary>
    private static string Escape(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
