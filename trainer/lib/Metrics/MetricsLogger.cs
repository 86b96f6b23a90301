using System.Runtime.ExceptionServices;

namespace TrpoEdge.Trainer.Metrics;

/// <summary>
/// Fans each row of diagnostics out to several sinks (TensorBoard, CSV, ...) and keeps every
/// series in memory for the end-of-run learning-curve plot and the console's live figures.
/// Owns its sinks: disposing the logger disposes them. Thread-safe, so a display thread may read
/// the history while the training loop writes.
/// </summary>
public sealed class MetricsLogger : IMetricsSink
{
    private readonly IMetricsSink[] _sinks;
    private readonly Dictionary<string, List<(long Step, double Value)>> _history = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    public MetricsLogger(params IMetricsSink[] sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        for (int i = 0; i < sinks.Length; i++)
        {
            if (sinks[i] is null)
            {
                throw new ArgumentException($"Metrics sink {i} is null; pass only constructed sinks.", nameof(sinks));
            }
        }

        _sinks = [.. sinks];
    }

    /// <summary>Every key seen so far, in order of first appearance.</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_gate)
            {
                return [.. _keys];
            }
        }
    }

    /// <summary>
    /// Records the row in the history, then writes it to every sink. A failing sink does not stop
    /// the others from getting the row; its exception is rethrown afterwards (several: an AggregateException).
    /// </summary>
    public void Write(long step, IReadOnlyList<KeyValuePair<string, double>> scalars)
    {
        ArgumentNullException.ThrowIfNull(scalars);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (KeyValuePair<string, double> kv in scalars)
            {
                ArgumentException.ThrowIfNullOrEmpty(kv.Key, nameof(scalars));
                if (!_history.TryGetValue(kv.Key, out List<(long Step, double Value)>? series))
                {
                    series = [];
                    _history.Add(kv.Key, series);
                    _keys.Add(kv.Key);
                }

                series.Add((step, kv.Value));
            }

            List<Exception>? errors = null;
            foreach (IMetricsSink sink in _sinks)
            {
                try
                {
                    sink.Write(step, scalars);
                }
                catch (Exception e)
                {
                    (errors ??= []).Add(e);
                }
            }

            Rethrow(errors);
        }
    }

    /// <summary>A snapshot of the series for <paramref name="key"/> (empty if the key was never written).</summary>
    public IReadOnlyList<(long Step, double Value)> History(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _history.TryGetValue(key, out List<(long Step, double Value)>? series) ? [.. series] : [];
        }
    }

    /// <summary>The most recent value of <paramref name="key"/>, or null if it was never written.</summary>
    public double? Latest(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _history.TryGetValue(key, out List<(long Step, double Value)>? series) && series.Count > 0
                ? series[^1].Value
                : null;
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
            List<Exception>? errors = null;
            foreach (IMetricsSink sink in _sinks)
            {
                try
                {
                    sink.Dispose();
                }
                catch (Exception e)
                {
                    (errors ??= []).Add(e);
                }
            }

            Rethrow(errors);
        }
    }

    private static void Rethrow(List<Exception>? errors)
    {
        if (errors is null)
        {
            return;
        }

        if (errors.Count == 1)
        {
            ExceptionDispatchInfo.Capture(errors[0]).Throw();
        }

        throw new AggregateException("Several metrics sinks failed; see the inner exceptions.", errors);
    }
}
