using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Core.Tests.Trajectories;

public sealed class TrajectoryWriterTests
{
    [Fact]
    public void Many_steps_are_committed_in_few_transactions()
    {
        using var store = new TempStore();
        var options = new TrajectoryWriterOptions { BatchSize = 1000, FlushInterval = TimeSpan.FromMinutes(10), Capacity = 20_000 };
        long transactions;
        using (var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), options))
        {
            for (int e = 0; e < 10; e++) StoreFixtures.WriteEpisode(writer, e, 1000);
            writer.Dispose();
            transactions = writer.CommittedTransactions;
            Assert.Equal(10_000, writer.CommittedSteps);
        }
        // 10 000 steps at 1000 per batch: 10 full batches, plus at most one for the trailing episode end.
        Assert.InRange(transactions, 10, 11);
        using var reader = TrajectoryReader.Open(store.Path);
        Assert.Equal(10_000, reader.CountSteps());
    }

    [Fact]
    public void A_slow_trickle_of_steps_is_committed_within_the_flush_interval()
    {
        using var store = new TempStore();
        var options = new TrajectoryWriterOptions { BatchSize = 100_000, FlushInterval = TimeSpan.FromMilliseconds(20) };
        using var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), options);
        StoreFixtures.WriteEpisode(writer, 0, 3, end: false);
        StoreFixtures.WaitUntil(() => writer.CommittedSteps == 3, "the time-based flush");
        using var reader = TrajectoryReader.Open(store.Path);
        var open = Assert.Single(reader.ReadEpisodes());
        Assert.Equal(3, open.Length);
        Assert.Equal(EpisodeStatus.Incomplete, open.Status);
    }

    [Fact]
    public void Dispose_commits_everything_still_queued()
    {
        using var store = new TempStore();
        var options = new TrajectoryWriterOptions { BatchSize = 1_000_000, FlushInterval = TimeSpan.FromHours(1) };
        var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), options);
        StoreFixtures.WriteEpisode(writer, 0, 500);
        StoreFixtures.WriteEpisode(writer, 1, 123, end: false);
        Assert.Equal(0, writer.CommittedSteps);
        writer.Dispose();
        Assert.Equal(623, writer.CommittedSteps);
        Assert.Equal(1, writer.CommittedTransactions);
        using var reader = TrajectoryReader.Open(store.Path);
        Assert.Equal([500, 123], reader.ReadEpisodes().Select(e => e.Length));
        Assert.False(File.Exists(store.Path + "-wal") && new FileInfo(store.Path + "-wal").Length > 0, "closing the last connection checkpoints the WAL");
    }

    [Fact]
    public async Task DisposeAsync_commits_everything_still_queued()
    {
        using var store = new TempStore();
        var options = new TrajectoryWriterOptions { BatchSize = 1_000_000, FlushInterval = TimeSpan.FromHours(1) };
        await using (var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), options))
            StoreFixtures.WriteEpisode(writer, 0, 77);
        using var reader = TrajectoryReader.Open(store.Path);
        Assert.Equal(77, reader.CountSteps());
    }

    [Fact]
    public void A_reader_sees_committed_episodes_while_the_writer_keeps_committing()
    {
        using var store = new TempStore();
        var options = new TrajectoryWriterOptions { BatchSize = 50, FlushInterval = TimeSpan.FromMilliseconds(5) };
        using var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), options);
        StoreFixtures.WriteEpisode(writer, 0, 120);
        StoreFixtures.WaitUntil(() => writer.CommittedSteps == 120, "the first episode to commit");
        Thread.Sleep(30); // the episode end follows its last step in the same or the next batch

        using var reader = TrajectoryReader.Open(store.Path);
        using var episodes = reader.ReadEpisodes().GetEnumerator();
        Assert.True(episodes.MoveNext()); // holds a read transaction open from here on
        Assert.Equal(120, episodes.Current.Length);

        // The open read must not stall the writer (WAL): new steps keep committing.
        StoreFixtures.WriteEpisode(writer, 1, 200);
        StoreFixtures.WaitUntil(() => writer.CommittedSteps == 320, "commits while a reader is open");
        Assert.False(episodes.MoveNext(), "a reader keeps the snapshot it started with");

        // A new query sees the new episode.
        Thread.Sleep(30);
        Assert.Equal([120, 200], reader.ReadEpisodes().Select(e => e.Length));
        Assert.Equal(320, reader.CountSteps());
    }

    [Fact]
    public void A_failure_on_the_writer_thread_surfaces_on_the_next_call_and_at_dispose()
    {
        using var store = new TempStore();
        var options = new TrajectoryWriterOptions { BatchSize = 10, FlushInterval = TimeSpan.FromMilliseconds(5) };
        var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), options);
        writer.Committed += _ => throw new IOException("disk on fire");
        writer.BeginEpisode();
        var obs = new float[3];
        var act = new float[1];
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            // Keeps appending until the failure reaches the control loop (it stops the writer after the first commit).
            for (int i = 0; i < 10_000_000; i++) writer.Append(new StepRecord(obs, act, 0, 0, 0));
        });
        Assert.Contains("disk on fire", e.Message);
        Assert.IsType<IOException>(e.InnerException);
        var atDispose = Assert.Throws<InvalidOperationException>(writer.Dispose);
        Assert.Contains("disk on fire", atDispose.Message);
        writer.Dispose(); // a second dispose is a no-op
    }

    [Fact]
    public void Calls_out_of_order_or_with_wrong_sizes_are_refused_with_the_sizes()
    {
        using var store = new TempStore();
        using var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum());
        var noEpisode = Assert.Throws<InvalidOperationException>(() => writer.Append(new StepRecord(new float[3], new float[1], 0, 0, 0)));
        Assert.Contains("BeginEpisode", noEpisode.Message);
        Assert.Throws<InvalidOperationException>(() => writer.EndEpisode(false, false, new float[3]));
        writer.BeginEpisode();
        Assert.Contains("EndEpisode", Assert.Throws<InvalidOperationException>(() => writer.BeginEpisode()).Message);
        var wrongObs = Assert.Throws<ArgumentException>(() => writer.Append(new StepRecord(new float[4], new float[1], 0, 0, 0)));
        Assert.Contains("4 floats", wrongObs.Message);
        Assert.Contains("has 3", wrongObs.Message);
        Assert.Throws<ArgumentException>(() => writer.Append(new StepRecord(new float[3], new float[2], 0, 0, 0)));
        Assert.Throws<ArgumentException>(() => writer.EndEpisode(false, true, new float[2]));
    }

    [Fact]
    public void Invalid_options_and_run_descriptions_are_refused_before_a_file_is_created()
    {
        using var store = new TempStore();
        Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), new TrajectoryWriterOptions { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), new TrajectoryWriterOptions { FlushInterval = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), new TrajectoryWriterOptions { Capacity = 1 }));
        var badSha = Assert.Throws<ArgumentException>(() => TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(sha: "ABC")));
        Assert.Contains("\"ABC\"", badSha.Message);
        Assert.Throws<ArgumentException>(() => TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum() with { EnvId = " " }));
        Assert.Throws<ArgumentException>(() => TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum() with { ControlPeriod = -1 }));
        Assert.False(File.Exists(store.Path));
    }

    [Fact]
    public void Appending_a_step_allocates_no_managed_memory()
    {
        using var store = new TempStore();
        var options = new TrajectoryWriterOptions { BatchSize = 512, FlushInterval = TimeSpan.FromMilliseconds(50), Capacity = 50_000 };
        using var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), options);
        var obs = new float[3];
        var act = new float[1];
        writer.BeginEpisode();
        for (int t = 0; t < 2000; t++) writer.Append(new StepRecord(obs, act, t, -1, 0));
        StoreFixtures.WaitUntil(() => writer.CommittedSteps == 2000, "warm-up steps to commit");

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 20_000; t++)
        {
            obs[0] = t;
            writer.Append(new StepRecord(obs, act, t, -1, 0, timestampNs: t + 1));
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, writer.FullWaits);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Appending_into_a_full_channel_waits_for_the_disk_without_allocating_or_dropping()
    {
        using var store = new TempStore();
        var options = new TrajectoryWriterOptions { BatchSize = 64, FlushInterval = TimeSpan.FromMilliseconds(5), Capacity = 16 };
        var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), options);
        var obs = new float[3];
        var act = new float[1];
        writer.BeginEpisode();
        for (int t = 0; t < 100; t++) writer.Append(new StepRecord(obs, act, t, -1, 0)); // warm-up

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 100; t < 20_000; t++)
        {
            obs[0] = t;
            writer.Append(new StepRecord(obs, act, t, -1, 0, timestampNs: t + 1));
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        writer.EndEpisode(false, true, obs);
        writer.Dispose();

        Assert.True(writer.FullWaits > 0, "a 16-message channel must have filled up");
        Assert.Equal(0, allocated);
        using var reader = TrajectoryReader.Open(store.Path);
        var e = Assert.Single(reader.ReadEpisodes());
        Assert.Equal(20_000, e.Length);
        Assert.Equal(Enumerable.Range(0, 20_000).Select(t => (double)t), e.Rewards);
        Assert.Equal(19_999f, e.Observation(19_999)[0]);
    }
}
