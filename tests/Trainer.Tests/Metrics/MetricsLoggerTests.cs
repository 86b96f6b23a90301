using TrpoEdge.Trainer.Metrics;

namespace TrpoEdge.Trainer.Tests.Metrics;

public sealed class MetricsLoggerTests
{
    private static KeyValuePair<string, double> Kv(string k, double v) => new(k, v);

    [Fact]
    public void Every_sink_gets_every_row_and_the_history_keeps_each_series()
    {
        var a = new RecordingSink();
        var b = new RecordingSink();
        using var logger = new MetricsLogger(a, b);

        logger.Write(100, [Kv("x", 1), Kv("y", 10)]);
        logger.Write(200, [Kv("x", 2)]);
        logger.Write(300, [Kv("z", -3), Kv("x", 3)]);

        foreach (RecordingSink sink in new[] { a, b })
        {
            Assert.Equal([100L, 200, 300], sink.Rows.Select(r => r.Step));
            Assert.Equal([Kv("z", -3), Kv("x", 3)], sink.Rows[2].Scalars);
        }

        Assert.Equal(["x", "y", "z"], logger.Keys);
        Assert.Equal([(100L, 1.0), (200L, 2.0), (300L, 3.0)], logger.History("x"));
        Assert.Equal([(100L, 10.0)], logger.History("y"));
        Assert.Empty(logger.History("never"));
        Assert.Equal(3.0, logger.Latest("x"));
        Assert.Null(logger.Latest("never"));
    }

    [Fact]
    public void History_is_a_snapshot_not_a_live_view()
    {
        using var logger = new MetricsLogger();
        logger.Write(1, [Kv("x", 1)]);
        IReadOnlyList<(long Step, double Value)> before = logger.History("x");
        logger.Write(2, [Kv("x", 2)]);
        Assert.Single(before);
        Assert.Equal(2, logger.History("x").Count);
    }

    [Fact]
    public void A_failing_sink_does_not_keep_the_row_from_the_others_and_its_error_surfaces()
    {
        var before = new RecordingSink();
        var broken = new RecordingSink(fail: true);
        var after = new RecordingSink();
        using var logger = new MetricsLogger(before, broken, after);

        Assert.Throws<IOException>(() => logger.Write(1, [Kv("x", 1)]));
        Assert.Single(before.Rows);
        Assert.Single(after.Rows);
        Assert.Single(logger.History("x"));
    }

    [Fact]
    public void Several_failing_sinks_surface_as_one_aggregate_exception()
    {
        using var logger = new MetricsLogger(new RecordingSink(fail: true), new RecordingSink(fail: true));
        var e = Assert.Throws<AggregateException>(() => logger.Write(1, [Kv("x", 1)]));
        Assert.Equal(2, e.InnerExceptions.Count);
    }

    [Fact]
    public void Disposing_the_logger_disposes_its_sinks_once()
    {
        var a = new RecordingSink();
        var logger = new MetricsLogger(a);
        logger.Dispose();
        logger.Dispose();
        Assert.True(a.Disposed);
        Assert.Throws<ObjectDisposedException>(() => logger.Write(1, [Kv("x", 1)]));
    }

    [Fact]
    public void Real_sinks_behind_the_logger_agree_with_its_history()
    {
        using var dir = new TempDirectory();
        var clock = FixedTimeProvider.AtUnixSeconds(1000);
        var tb = new TensorBoardWriter(dir.Path, clock);
        var csv = new CsvMetricsWriter(dir.File("progress.csv"), MetricKeys.All, clock);
        string tbPath = tb.FilePath;
        using (var logger = new MetricsLogger(tb, csv))
        {
            logger.Write(10, [Kv(MetricKeys.RolloutEpReturnMean, -900.5)]);
            logger.Write(20, [Kv(MetricKeys.RolloutEpReturnMean, -400.25), Kv(MetricKeys.EvalReturnMean, -350)]);
        }

        var events = TfRecordTestReader.ReadAll(File.ReadAllBytes(tbPath))
            .Skip(1)
            .Select(TrpoEdge.Trainer.Metrics.Proto.Event.Parser.ParseFrom)
            .ToList();
        Assert.Equal([10L, 20], events.Select(e => e.Step));
        Assert.Equal([-900.5f, -400.25f], events.Select(e => e.Summary.Value[0].SimpleValue));
        Assert.Equal(3, File.ReadAllLines(dir.File("progress.csv")).Length);
    }
}
