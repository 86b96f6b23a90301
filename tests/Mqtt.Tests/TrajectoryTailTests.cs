using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Mqtt.Tests;

public sealed class TrajectoryTailTests
{
    [Fact]
    public void The_tail_reads_only_episodes_after_its_cursor_exactly_as_the_reader_does_while_the_writer_is_open()
    {
        string path = Path.Combine(TestFiles.NewTempDir(), "local.db");
        using var writer = TrajectoryWriter.Open(path, new RunInfo { EnvId = "Pendulum-v1", ObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]), ActionSpace = SpaceSpec.Box([-2], [2]) },
            new TrajectoryWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(5) });
        float[] obs = new float[3], act = new float[1];
        for (int e = 0; e < 3; e++)
        {
            writer.BeginEpisode();
            for (int t = 0; t < 5 + e; t++)
            {
                obs[0] = e; obs[1] = t; act[0] = 0.1f * t;
                writer.Append(new StepRecord(obs, act, -t, double.NaN, 3, 1000 + t));
            }
            if (e < 2) writer.EndEpisode(e == 1, e == 0, obs);
        }
        var until = DateTime.UtcNow.AddSeconds(5);
        while (writer.CommittedSteps < 18 && DateTime.UtcNow < until) Thread.Sleep(5);

        using var tail = TrajectoryTail.Open(path, writer.RunId);
        using var reader = TrajectoryReader.Open(path);
        var all = reader.ReadEpisodes(writer.RunId).ToList();
        var after0 = tail.ReadAfter(0);
        Assert.Equal([1, 2], after0.Select(e => e.IndexInRun));
        Assert.Equal(EpisodeStatus.Complete, after0[0].Status);
        Assert.True(after0[0].Terminated);
        Assert.Equal(EpisodeStatus.Incomplete, after0[1].Status);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(all[i + 1].Observations, after0[i].Observations);
            Assert.Equal(all[i + 1].Rewards, after0[i].Rewards);
            Assert.Equal(all[i + 1].FinalObservation, after0[i].FinalObservation);
        }
        Assert.Equal(3, tail.ReadAfter(-1).Count);
        Assert.Single(tail.ReadAfter(-1, limit: 1));
        Assert.Empty(tail.ReadAfter(2));
    }
}
