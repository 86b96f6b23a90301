using TrpoEdge.Runtime.Control;

namespace TrpoEdge.Runtime.Tests;

public sealed class ProgressMailboxTests
{
    [Fact]
    public void Nothing_is_read_before_the_first_publish_and_the_latest_after()
    {
        var box = new ProgressMailbox();
        Assert.False(box.TryRead(out _));
        box.Publish(new LoopProgress(0, 3, 10, -1.5, 10, 4.0, 0, 0));
        box.Publish(new LoopProgress(1, 3, 20, -2.5, 220, 4.5, 1, 0));
        Assert.True(box.TryRead(out LoopProgress p));
        Assert.Equal(new LoopProgress(1, 3, 20, -2.5, 220, 4.5, 1, 0), p);
    }

    [Fact]
    public async Task A_reader_racing_the_writer_never_sees_a_torn_snapshot()
    {
        // Every published snapshot has all its fields derived from one counter, so a copy mixing two publishes shows.
        // The race is counted in reads that overlap publishing, not in wall time: on a loaded machine the writer's
        // task may start late, and a time-boxed test would then race nothing.
        var box = new ProgressMailbox();
        var done = new ManualResetEventSlim();
        var writer = Task.Factory.StartNew(() =>
        {
            for (long i = 1; !done.IsSet; i++)
                box.Publish(new LoopProgress((int)i, (int)i, (int)i, i, i, i, i, i));
        }, TaskCreationOptions.LongRunning);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        long reads = 0, distinct = 0, last = 0;
        while (distinct < 20_000 && DateTime.UtcNow < deadline)
        {
            if (!box.TryRead(out LoopProgress p)) continue;
            long i = p.TotalSteps;
            Assert.Equal(new LoopProgress((int)i, (int)i, (int)i, i, i, i, i, i), p);
            reads++;
            if (i != last) { distinct++; last = i; }
        }
        done.Set();
        await writer;
        Assert.True(distinct >= 20_000, $"only {distinct} distinct snapshots read in 60 s ({reads} reads)");
    }
}
