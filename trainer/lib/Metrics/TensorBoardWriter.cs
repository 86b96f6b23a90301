using System.Globalization;
using Google.Protobuf;
using TrpoEdge.Trainer.Metrics.Proto;

namespace TrpoEdge.Trainer.Metrics;

/// <summary>
/// Writes scalars as a TensorBoard event file (<c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;</c>)
/// in a run directory, so <c>tensorboard --logdir runs</c> shows the curves. The first record is the
/// <c>file_version</c> event TensorBoard expects; each <see cref="Write"/> adds one Event whose
/// Summary holds a <c>simple_value</c> per key, and is flushed at once so a crashed run keeps its curve.
/// Scalars are stored as float32, as TensorBoard's format defines them.
/// </summary>
public sealed class TensorBoardWriter : IMetricsSink
{
    /// <summary>The file version TensorBoard's loader requires in the first record.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly TfRecordWriter _records;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private byte[] _buffer = new byte[256];
    private bool _disposed;

    public TensorBoardWriter(string runDirectory)
        : this(runDirectory, TimeProvider.System)
    {
    }

    /// <param name="runDirectory">Created if missing.</param>
    /// <param name="timeProvider">The clock for the file name and the events' wall time (tests pin it).</param>
    public TensorBoardWriter(string runDirectory, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runDirectory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        Directory.CreateDirectory(runDirectory);

        DateTimeOffset now = _time.GetUtcNow();
        string baseName = string.Create(
            CultureInfo.InvariantCulture, $"events.out.tfevents.{now.ToUnixTimeSeconds()}.{SafeHostName()}");
        FileStream stream = CreateUnique(runDirectory, baseName, out string path);
        FilePath = path;
        _records = new TfRecordWriter(stream);

        WriteEvent(new Event { WallTime = UnixSeconds(now), Step = 0, FileVersion = FileVersion });
    }

    /// <summary>Full path of the event file being written.</summary>
    public string FilePath { get; }

    /// <summary>
    /// Appends one Event at <paramref name="step"/> holding every scalar (in the given order) and
    /// flushes. An empty list writes nothing.
    /// </summary>
    public void Write(long step, IReadOnlyList<KeyValuePair<string, double>> scalars)
    {
        ArgumentNullException.ThrowIfNull(scalars);
        if (scalars.Count == 0)
        {
            return;
        }

        var summary = new Summary();
        foreach (KeyValuePair<string, double> kv in scalars)
        {
            if (string.IsNullOrEmpty(kv.Key))
            {
                throw new ArgumentException(
                    $"A scalar at step {step} has an empty tag; give every metric a name such as '{MetricKeys.TrainValueLoss}'.",
                    nameof(scalars));
            }

            summary.Value.Add(new Summary.Types.Value { Tag = kv.Key, SimpleValue = (float)kv.Value });
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            WriteEvent(new Event { WallTime = UnixSeconds(_time.GetUtcNow()), Step = step, Summary = summary });
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
            _records.Dispose();
        }
    }

    private void WriteEvent(Event evt)
    {
        int size = evt.CalculateSize();
        if (_buffer.Length < size)
        {
            _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
        }

        Span<byte> data = _buffer.AsSpan(0, size);
        evt.WriteTo(data);
        _records.WriteRecord(data);
        _records.Flush();
    }

    private static double UnixSeconds(DateTimeOffset t) =>
        (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>The host part of the name must not add path separators or odd characters.</summary>
    private static string SafeHostName()
    {
        string host;
        try
        {
            host = Environment.MachineName;
        }
        catch (InvalidOperationException)
        {
            host = "";
        }

        var chars = host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        return chars.Length == 0 ? "localhost" : new string(chars);
    }

    /// <summary>
    /// Two writers started in the same second in the same directory (a quick resume) must not
    /// clobber each other: a numeric suffix keeps "tfevents" in the name, which is all TensorBoard matches.
    /// </summary>
    private static FileStream CreateUnique(string directory, string baseName, out string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            path = Path.Combine(directory, attempt == 0 ? baseName : $"{baseName}.{attempt}");
            try
            {
                return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            }
            catch (IOException) when (File.Exists(path) && attempt < 1000)
            {
                // Taken: try the next suffix.
            }
        }
    }
}
