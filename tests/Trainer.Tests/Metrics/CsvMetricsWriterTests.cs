using System.Globalization;
using TrpoEdge.Trainer.Metrics;

namespace TrpoEdge.Trainer.Tests.Metrics;

public sealed class CsvMetricsWriterTests
{
    private static KeyValuePair<string, double> Kv(string k, double v) => new(k, v);

    private static string[][] ReadCells(string path) =>
        [.. File.ReadAllLines(path).Select(l => l.Split(','))];

    [Fact]
    public void Rows_round_trip_exactly_with_empty_cells_for_absent_keys()
    {
        using var dir = new TempDirectory();
        string path = dir.File("progress.csv");
        var clock = FixedTimeProvider.AtUnixSeconds(1_790_000_000.125);
        string[] columns = ["rollout/ep_return_mean", "train/kl_divergence", "eval/return_mean"];
        var rng = new Random(5);
        var rows = new List<(long Step, double Wall, Dictionary<string, double> Values)>();
        using (var writer = new CsvMetricsWriter(path, columns, clock))
        {
            for (int u = 1; u <= 12; u++)
            {
                clock.Now = clock.Now.AddMilliseconds(777);
                var values = new Dictionary<string, double>
                {
                    [columns[1]] = rng.NextDouble() * 1e-2,
                    [columns[0]] = -rng.NextDouble() * 1500 / 3,
                };
                if (u % 4 == 0)
                {
                    values[columns[2]] = -150 - rng.NextDouble();
                }

                writer.Write(u * 1000L, [.. values]);
                rows.Add((u * 1000L, (clock.Now - DateTimeOffset.UnixEpoch).TotalSeconds, values));
            }
        }

        string[][] cells = ReadCells(path);
        Assert.Equal(["step", "wall_time", .. columns], cells[0]);
        Assert.Equal(rows.Count + 1, cells.Length);
        for (int i = 0; i < rows.Count; i++)
        {
            string[] line = cells[i + 1];
            Assert.Equal(2 + columns.Length, line.Length);
            Assert.Equal(rows[i].Step, long.Parse(line[0], CultureInfo.InvariantCulture));
            Assert.Equal(rows[i].Wall, double.Parse(line[1], CultureInfo.InvariantCulture));
            for (int c = 0; c < columns.Length; c++)
            {
                if (rows[i].Values.TryGetValue(columns[c], out double v))
                {
                    Assert.Equal(v, double.Parse(line[2 + c], CultureInfo.InvariantCulture));
                }
                else
                {
                    Assert.Equal("", line[2 + c]);
                }
            }
        }
    }

    [Fact]
    public void Special_values_are_written_in_a_form_that_parses_back()
    {
        using var dir = new TempDirectory();
        string path = dir.File("special.csv");
        double[] specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, double.MaxValue];
        string[] columns = [.. specials.Select((_, i) => "k" + i)];
        using (var writer = new CsvMetricsWriter(path, columns, FixedTimeProvider.AtUnixSeconds(0)))
        {
            writer.Write(-1, [.. specials.Select((v, i) => Kv(columns[i], v))]);
        }

        string[] line = ReadCells(path)[1];
        Assert.Equal("-1", line[0]);
        for (int i = 0; i < specials.Length; i++)
        {
            Assert.Equal(
                BitConverter.DoubleToInt64Bits(specials[i]),
                BitConverter.DoubleToInt64Bits(double.Parse(line[2 + i], CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public void The_default_columns_are_every_metric_key_in_order()
    {
        using var dir = new TempDirectory();
        string path = dir.File("sub/dir/progress.csv");
        using (new CsvMetricsWriter(path))
        {
        }

        Assert.Equal(string.Join(',', ["step", "wall_time", .. MetricKeys.All]), File.ReadAllLines(path)[0]);
    }

    [Fact]
    public void Each_row_is_on_disk_before_the_writer_is_disposed()
    {
        using var dir = new TempDirectory();
        string path = dir.File("live.csv");
        using var writer = new CsvMetricsWriter(path, ["a"], FixedTimeProvider.AtUnixSeconds(1));
        writer.Write(1, [Kv("a", 2.5)]);

        string text = System.Text.Encoding.UTF8.GetString(TfRecordTestReader.ReadShared(path));
        Assert.Equal("step,wall_time,a\n1,1,2.5\n", text);
    }

    [Fact]
    public void A_key_outside_the_columns_is_refused_with_the_column_list()
    {
        using var dir = new TempDirectory();
        using var writer = new CsvMetricsWriter(dir.File("x.csv"), ["a", "b"], FixedTimeProvider.AtUnixSeconds(1));
        var e = Assert.Throws<ArgumentException>(() => writer.Write(7, [Kv("a", 1), Kv("zzz", 2)]));
        Assert.Contains("'zzz'", e.Message, StringComparison.Ordinal);
        Assert.Contains("a, b", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_twice_in_one_row_is_refused()
    {
        using var dir = new TempDirectory();
        using var writer = new CsvMetricsWriter(dir.File("x.csv"), ["a"], FixedTimeProvider.AtUnixSeconds(1));
        var e = Assert.Throws<ArgumentException>(() => writer.Write(7, [Kv("a", 1), Kv("a", 2)]));
        Assert.Contains("twice", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a", "a")]
    [InlineData("step", "a")]
    [InlineData("", "a")]
    public void Bad_column_lists_are_refused(string first, string second)
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentException>(() => new CsvMetricsWriter(dir.File("x.csv"), [first, second]));
    }

    [Fact]
    public void A_column_name_with_a_comma_or_quote_is_quoted_in_the_header()
    {
        using var dir = new TempDirectory();
        string path = dir.File("q.csv");
        using (new CsvMetricsWriter(path, ["x,y", "say \"hi\""]))
        {
        }

        Assert.Equal("step,wall_time,\"x,y\",\"say \"\"hi\"\"\"", File.ReadAllLines(path)[0]);
    }

    [Fact]
    public void Continue_keeps_the_rows_a_resumed_run_logged_before()
    {
        using var dir = new TempDirectory();
        string path = dir.File("metrics.csv");
        using (var first = new CsvMetricsWriter(path))
        {
            first.Write(1000, [Kv(MetricKeys.TrainKlDivergence, 0.25)]);
            first.Write(2000, [Kv(MetricKeys.TrainKlDivergence, 0.5)]);
        }

        // A crash mid-row leaves a line without its newline; the next row must not be glued onto it.
        File.AppendAllText(path, "2500,1");
        using (var resumed = CsvMetricsWriter.Continue(path))
        {
            resumed.Write(3000, [Kv(MetricKeys.TrainKlDivergence, 0.75)]);
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("step,wall_time,", lines[0]);
        Assert.Single(lines, l => l.StartsWith("step,", StringComparison.Ordinal));
        Assert.Equal(["1000", "2000", "2500", "3000"], lines.Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public void Continue_moves_a_file_with_another_header_aside_instead_of_overwriting_it()
    {
        using var dir = new TempDirectory();
        string path = dir.File("metrics.csv");
        File.WriteAllText(path, "step,wall_time,old/key\n1,2,3\n");
        File.WriteAllText(dir.File("metrics.1.csv"), "taken");
        using (var resumed = CsvMetricsWriter.Continue(path))
        {
            resumed.Write(10, [Kv(MetricKeys.TrainKlDivergence, 0.125)]);
        }

        Assert.Equal("step,wall_time,old/key\n1,2,3\n", File.ReadAllText(dir.File("metrics.2.csv")));
        Assert.Equal("taken", File.ReadAllText(dir.File("metrics.1.csv")));
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("10,", lines[1]);
    }

    [Fact]
    public void Continue_on_a_missing_file_starts_one()
    {
        using var dir = new TempDirectory();
        string path = dir.File("sub/metrics.csv");
        using (var resumed = CsvMetricsWriter.Continue(path))
        {
            resumed.Write(10, [Kv(MetricKeys.TrainKlDivergence, 0.125)]);
        }

        Assert.Equal(2, File.ReadAllLines(path).Length);
    }
}
