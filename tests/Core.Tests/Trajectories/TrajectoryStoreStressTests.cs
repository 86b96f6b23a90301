using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Core.Tests.Trajectories;

public sealed class TrajectoryStoreStressTests
{
    [Theory]
    [InlineData(2, 7)]      // the smallest channel: the loop waits on nearly every call and slots wrap constantly
    [InlineData(64, 1)]     // a transaction per step
    [InlineData(4096, 500)]
    public void Random_episodes_of_random_bits_survive_any_channel_capacity_and_batch_size(int capacity, int batchSize)
    {
        using var store = new TempStore();
        var rng = new Random(12345 + capacity);
        var options = new TrajectoryWriterOptions { Capacity = capacity, BatchSize = batchSize, FlushInterval = TimeSpan.FromMilliseconds(3) };
        var written = new List<(int[] Obs, int[] Act, double[] Rewards, int[] Final, bool Terminated)>();
        var run = StoreFixtures.Pendulum();
        using (var writer = TrajectoryWriter.Open(store.Path, run, options))
        {
            var obs = new float[3];
            var act = new float[1];
            for (int e = 0; e < 25; e++)
            {
                int length = e % 6 == 5 ? 0 : rng.Next(1, 300);
                var o = new int[length * 3];
                var a = new int[length];
                var r = new double[length];
                writer.BeginEpisode();
                for (int t = 0; t < length; t++)
                {
                    for (int i = 0; i < 3; i++) obs[i] = BitConverter.Int32BitsToSingle(o[t * 3 + i] = rng.Next(int.MinValue, int.MaxValue));
                    act[0] = BitConverter.Int32BitsToSingle(a[t] = rng.Next(int.MinValue, int.MaxValue));
                    r[t] = rng.NextDouble() - 0.5;
                    writer.Append(new StepRecord(obs, act, r[t], -rng.NextDouble(), e));
                    obs.AsSpan().Clear(); // the writer must have copied already
                }
                var final = new int[3];
                for (int i = 0; i < 3; i++) obs[i] = BitConverter.Int32BitsToSingle(final[i] = rng.Next(int.MinValue, int.MaxValue));
                bool terminated = rng.Next(2) == 0;
                writer.EndEpisode(terminated, !terminated, obs);
                written.Add((o, a, r, final, terminated));
            }
        }

        using var reader = TrajectoryReader.Open(store.Path);
        var episodes = reader.ReadEpisodes().ToList();
        Assert.Equal(written.Count, episodes.Count);
        for (int e = 0; e < written.Count; e++)
        {
            var (o, a, r, final, terminated) = written[e];
            var got = episodes[e];
            Assert.Equal(EpisodeStatus.Complete, got.Status);
            Assert.Equal(terminated, got.Terminated);
            Assert.Equal(!terminated, got.Truncated);
            Assert.Equal(o, got.Observations.Select(BitConverter.SingleToInt32Bits).ToArray());
            Assert.Equal(a, got.Actions.Select(BitConverter.SingleToInt32Bits).ToArray());
            Assert.Equal(r, got.Rewards);
            Assert.All(got.PolicyVersions, v => Assert.Equal(e, v));
            if (r.Length == 0)
            {
                Assert.Null(got.FinalObservation); // nowhere to keep it without a step row
                Assert.Equal(0, got.TrainableLength);
            }
            else
            {
                Assert.Equal(final, got.FinalObservation!.Select(BitConverter.SingleToInt32Bits).ToArray());
            }
        }
    }
}
