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
        var box = new ProgressMailbox();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var writer = Task.Run(() =>
        {
            for (long i = 1; !stop.IsCancellationRequested; i++)
                box.Publish(new LoopProgress((int)i, (int)i, (int)i, i, i, i, i, i));
        });
        long reads = 0;
        while (!stop.IsCancellationRequested)
        {
            if (!box.TryRead(out LoopProgress p)) continue;
            long i = p.TotalSteps;
            Assert.Equal(new LoopProgress((int)i, (int)i, (int)i, i, i, i, i, i), p);
            reads++;
        }
        await writer;
        Assert.True(reads > 0);
    }
}
