using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using TrpoEdge.Trainer.Metrics;
using TrpoEdge.Trainer.Metrics.Proto;

namespace TrpoEdge.Trainer.Tests.Metrics;

public sealed class TensorBoardWriterTests
{
    // The file_version event at wall time 1.5, framed: 24-byte Event
    // { 09 <1.5 LE> | 1A 0D "brain.Event:2" } (step 0 is the proto3 default, so not written).
    // CRCs from a bitwise CRC-32C, as in TfRecordWriterTests.
    private const string FileVersionRecordHex =
        "1800000000000000" + "a37f4b22" + "09000000000000f83f1a0d627261696e2e4576656e743a32" + "2a28646c";

    private static KeyValuePair<string, double> Kv(string k, double v) => new(k, v);

    private static List<Event> ReadEvents(string path) =>
        [.. TfRecordTestReader.ReadAll(TfRecordTestReader.ReadShared(path)).Select(Event.Parser.ParseFrom)];

    [Fact]
    public void The_file_is_named_events_out_tfevents_unix_seconds_host()
    {
        using var dir = new TempDirectory();
        using var writer = new TensorBoardWriter(dir.Path, FixedTimeProvider.AtUnixSeconds(1_790_000_123.75));

        string name = Path.GetFileName(writer.FilePath);
        Match m = Regex.Match(name, @"^events\.out\.tfevents\.(\d+)\.([A-Za-z0-9._-]+)$");
        Assert.True(m.Success, $"unexpected event file name '{name}'");
        Assert.Equal("1790000123", m.Groups[1].Value);
        Assert.Equal(dir.Path, Path.GetDirectoryName(writer.FilePath));
    }

    [Fact]
    public void A_whole_small_file_is_byte_exact()
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new TensorBoardWriter(dir.Path, FixedTimeProvider.AtUnixSeconds(1.5)))
        {
            writer.Write(3, [Kv("a", 1.0)]);
            path = writer.FilePath;
        }

        Assert.Equal(
            FileVersionRecordHex + TfRecordWriterTests.ScalarRecordHex,
            Convert.ToHexStringLower(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Scalars_read_back_exactly_as_float32_with_their_steps_and_wall_times()
    {
        using var dir = new TempDirectory();
        var clock = FixedTimeProvider.AtUnixSeconds(1_790_000_000.25);
        var rng = new Random(2024);
        var rows = new List<(long Step, double Wall, KeyValuePair<string, double>[] Scalars)>();
        string path;
        using (var writer = new TensorBoardWriter(dir.Path, clock))
        {
            path = writer.FilePath;
            for (int u = 1; u <= 20; u++)
            {
                clock.Now = clock.Now.AddMilliseconds(1234.5);
                long step = u * 2048L;
                var scalars = MetricKeys.All
                    .Where((_, i) => u % 5 == 0 || !MetricKeys.All[i].StartsWith("eval/", StringComparison.Ordinal))
                    .Select(k => Kv(k, (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-6, 7))))
                    .ToArray();
                writer.Write(step, scalars);
                rows.Add((step, (clock.Now - DateTimeOffset.UnixEpoch).TotalSeconds, scalars));
            }
        }

        List<Event> events = ReadEvents(path);
        Assert.Equal(rows.Count + 1, events.Count);
        Assert.Equal(Event.WhatOneofCase.FileVersion, events[0].WhatCase);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal(1_790_000_000.25, events[0].WallTime);

        for (int i = 0; i < rows.Count; i++)
        {
            Event e = events[i + 1];
            Assert.Equal(Event.WhatOneofCase.Summary, e.WhatCase);
            Assert.Equal(rows[i].Step, e.Step);
            Assert.Equal(rows[i].Wall, e.WallTime, 6);
            Assert.Equal(rows[i].Scalars.Select(s => s.Key), e.Summary.Value.Select(v => v.Tag));
            Assert.Equal(rows[i].Scalars.Select(s => (float)s.Value), e.Summary.Value.Select(v => v.SimpleValue));
        }
    }

    [Fact]
    public void A_zero_scalar_is_still_on_the_wire_so_tensorboard_keeps_the_point()
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new TensorBoardWriter(dir.Path, FixedTimeProvider.AtUnixSeconds(10)))
        {
            writer.Write(0, [Kv(MetricKeys.TrainLineSearchSuccess, 0.0)]);
            path = writer.FilePath;
        }

        Summary.Types.Value v = Assert.Single(ReadEvents(path)[1].Summary.Value);
        Assert.Equal(Summary.Types.Value.ValueOneofCase.SimpleValue, v.ValueCase);
        Assert.Equal(0f, v.SimpleValue);
    }

    [Fact]
    public void Every_write_is_flushed_while_the_writer_is_still_open()
    {
        using var dir = new TempDirectory();
        using var writer = new TensorBoardWriter(dir.Path, FixedTimeProvider.AtUnixSeconds(100));
        Assert.Single(ReadEvents(writer.FilePath));
        for (int i = 1; i <= 3; i++)
        {
            writer.Write(i, [Kv(MetricKeys.TrainEntropy, i)]);
            Assert.Equal(i + 1, ReadEvents(writer.FilePath).Count);
        }
    }

    [Fact]
    public void Two_writers_started_in_the_same_second_get_different_files()
    {
        using var dir = new TempDirectory();
        var clock = FixedTimeProvider.AtUnixSeconds(500);
        using var first = new TensorBoardWriter(dir.Path, clock);
        using var second = new TensorBoardWriter(dir.Path, clock);

        Assert.NotEqual(first.FilePath, second.FilePath);
        Assert.Contains("tfevents", Path.GetFileName(second.FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_tag_is_refused_with_the_step_in_the_message()
    {
        using var dir = new TempDirectory();
        using var writer = new TensorBoardWriter(dir.Path, FixedTimeProvider.AtUnixSeconds(1));
        var e = Assert.Throws<ArgumentException>(() => writer.Write(42, [Kv("", 1)]));
        Assert.Contains("step 42", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_after_dispose_is_refused()
    {
        using var dir = new TempDirectory();
        var writer = new TensorBoardWriter(dir.Path, FixedTimeProvider.AtUnixSeconds(1));
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.Write(1, [Kv("a", 1)]));
    }

    [Fact]
    public void A_corrupted_byte_is_caught_by_the_test_reader()
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new TensorBoardWriter(dir.Path, FixedTimeProvider.AtUnixSeconds(1)))
        {
            writer.Write(1, [Kv("a", 1)]);
            path = writer.FilePath;
        }

        byte[] bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 0x01; // inside the last record's data
        Assert.Throws<InvalidDataException>(() => TfRecordTestReader.ReadAll(bytes));
    }

    [RequiresPythonFact]
    public void An_independent_python_reader_recovers_the_exact_scalars()
    {
        using var dir = new TempDirectory();
        var clock = FixedTimeProvider.AtUnixSeconds(1_790_000_000.5);
        var expected = new List<(long Step, KeyValuePair<string, double>[] Scalars)>
        {
            (2048, [Kv(MetricKeys.RolloutEpReturnMean, -1234.5678), Kv(MetricKeys.TrainKlDivergence, 0.0093), Kv(MetricKeys.TrainLineSearchSuccess, 0)]),
            (4096, [Kv(MetricKeys.EvalReturnMean, -187.25), Kv(MetricKeys.TrainStd, double.NaN), Kv("ünïcode/tag", 1e-30)]),
            (long.MaxValue / 3, [Kv(MetricKeys.TimeStepsPerSecond, 61234.5)]),
        };
        string path;
        using (var writer = new TensorBoardWriter(dir.Path, clock))
        {
            foreach ((long step, KeyValuePair<string, double>[] scalars) in expected)
            {
                writer.Write(step, scalars);
            }

            path = writer.FilePath;
        }

        (int code, string stdout, string stderr) = RunPython(path);
        Assert.True(code == 0, $"read_tfevents.py exited {code}: {stderr}");

        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement[] events = [.. doc.RootElement.EnumerateArray()];
        Assert.Equal(expected.Count + 1, events.Length);
        Assert.Equal("brain.Event:2", events[0].GetProperty("file_version").GetString());
        Assert.Equal(1_790_000_000.5, events[0].GetProperty("wall_time").GetDouble());
        for (int i = 0; i < expected.Count; i++)
        {
            JsonElement e = events[i + 1];
            Assert.Equal(expected[i].Step, e.GetProperty("step").GetInt64());
            Assert.Equal(1_790_000_000.5, e.GetProperty("wall_time").GetDouble());
            JsonElement[] values = [.. e.GetProperty("values").EnumerateArray()];
            Assert.Equal(expected[i].Scalars.Select(s => s.Key), values.Select(v => v.GetProperty("tag").GetString()));
            Assert.Equal(
                expected[i].Scalars.Select(s => BitConverter.SingleToUInt32Bits((float)s.Value)),
                values.Select(v => v.GetProperty("simple_value_bits").GetUInt32()));
        }
    }

    [RequiresPythonFact]
    public void The_python_reader_rejects_a_file_with_a_bad_crc()
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new TensorBoardWriter(dir.Path, FixedTimeProvider.AtUnixSeconds(1)))
        {
            writer.Write(1, [Kv("a", 1)]);
            path = writer.FilePath;
        }

        byte[] bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        (int code, _, string stderr) = RunPython(path);
        Assert.Equal(2, code);
        Assert.Contains("CRC mismatch", stderr, StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) RunPython(string eventFile)
    {
        var psi = new ProcessStartInfo(RequiresPythonFactAttribute.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ScriptPath());
        psi.ArgumentList.Add(eventFile);
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill();
            throw new TimeoutException("read_tfevents.py did not finish within 30 s.");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The script beside this source file; failing that, found by walking up from the test binaries.</summary>
    private static string ScriptPath([CallerFilePath] string thisFile = "")
    {
        string beside = Path.Combine(Path.GetDirectoryName(thisFile) ?? "", "read_tfevents.py");
        if (File.Exists(beside))
        {
            return beside;
        }

        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tests", "Trainer.Tests", "Metrics", "read_tfevents.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"read_tfevents.py not found beside {thisFile} nor above {AppContext.BaseDirectory}.");
    }
}
