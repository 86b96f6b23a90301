using Microsoft.Data.Sqlite;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Core.Tests.Trajectories;

public sealed class TrajectoryStoreRoundTripTests
{
    // Awkward float32 values whose bits must survive: signed zero, a subnormal, the extremes, infinities and a NaN
    // carrying a payload (a float -> double -> float round trip would keep it, a text round trip would not).
    private static readonly int[] AwkwardBits =
        [0x00000000, unchecked((int)0x80000000), 0x00000001, 0x7F7FFFFF, unchecked((int)0xFF7FFFFF), 0x7F800000, unchecked((int)0xFF800000), 0x7FC12345, 0x3F800000, 0x3DCCCCCD];

    [Fact]
    public void Runs_episodes_and_steps_come_back_bit_for_bit()
    {
        using var store = new TempStore();
        var awkward = AwkwardBits.Select(BitConverter.Int32BitsToSingle).ToArray();
        var sha = new string('a', 64);
        long firstId;
        using (var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(sha)))
        {
            firstId = writer.BeginEpisode();
            var obs = new float[3];
            var act = new float[1];
            for (int t = 0; t < awkward.Length; t++)
            {
                obs[0] = awkward[t];
                obs[1] = awkward[(t + 3) % awkward.Length];
                obs[2] = t;
                act[0] = awkward[(t + 7) % awkward.Length];
                writer.Append(new StepRecord(obs, act, reward: -t * 0.1, logProb: t == 2 ? double.NaN : -1.5 - t, policyVersion: 40 + t, timestampNs: 1_700_000_000_000_000_000L + t));
            }
            writer.EndEpisode(terminated: true, truncated: false, [awkward[7], awkward[1], awkward[2]]);
            StoreFixtures.WriteEpisode(writer, episode: 1, length: 5);
        }

        using var reader = TrajectoryReader.Open(store.Path);
        var run = Assert.Single(reader.Runs);
        Assert.Equal(StoreFixtures.Pendulum(sha), run.Info);
        Assert.NotNull(run.EndedAt);
        Assert.True(run.EndedAt >= run.StartedAt);

        var episodes = reader.ReadEpisodes().ToList();
        Assert.Equal(2, episodes.Count);
        var e = episodes[0];
        Assert.Equal(1_000_000_000, firstId); // run 1, episode 0
        Assert.Equal(firstId, e.Id);
        Assert.Equal(0, e.IndexInRun);
        Assert.Equal(EpisodeStatus.Complete, e.Status);
        Assert.True(e.Terminated);
        Assert.False(e.Truncated);
        Assert.Equal(awkward.Length, e.Length);
        for (int t = 0; t < awkward.Length; t++)
        {
            Assert.Equal(AwkwardBits[t], BitConverter.SingleToInt32Bits(e.Observation(t)[0]));
            Assert.Equal(AwkwardBits[(t + 3) % awkward.Length], BitConverter.SingleToInt32Bits(e.Observation(t)[1]));
            Assert.Equal((float)t, e.Observation(t)[2]);
            Assert.Equal(AwkwardBits[(t + 7) % awkward.Length], BitConverter.SingleToInt32Bits(e.Action(t)[0]));
            Assert.Equal(-t * 0.1, e.Rewards[t]);
            Assert.Equal(40 + t, e.PolicyVersions[t]);
            Assert.Equal(1_700_000_000_000_000_000L + t, e.TimestampsNs[t]);
            if (t == 2) Assert.True(double.IsNaN(e.LogProbs[t]));
            else Assert.Equal(-1.5 - t, e.LogProbs[t]);
        }
        Assert.Equal([AwkwardBits[7], AwkwardBits[1], AwkwardBits[2]], e.FinalObservation!.Select(BitConverter.SingleToInt32Bits).ToArray());
        Assert.False(e.BootstrapsAtEnd);
        Assert.Equal(e.Length, e.TrainableLength);

        var second = episodes[1];
        Assert.Equal(firstId + 1, second.Id);
        Assert.Equal(1, second.IndexInRun);
        Assert.True(second.Truncated);
        Assert.True(second.BootstrapsAtEnd);
        Assert.Equal([101f, 101.125f, 101.25f], second.Observation(1).ToArray());
        Assert.Equal([105f, 105.125f, 105.25f], second.FinalObservation!);
        Assert.Equal(10.0 + 11 + 12 + 13 + 14, second.Return);
    }

    [Fact]
    public void Observation_blobs_are_float32_little_endian_in_the_file()
    {
        using var store = new TempStore();
        using (var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum()))
        {
            writer.BeginEpisode();
            writer.Append(new StepRecord([1f, -2f, 0.5f], [0.1f], 0, 0, 0));
            writer.EndEpisode(false, true, [0f, 1f, -0f]);
        }
        using var c = new SqliteConnection($"Data Source={store.Path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT observation, action, next_observation, terminated, truncated FROM steps";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        // IEEE 754 binary32, least significant byte first: 1 = 3F800000, -2 = C0000000, 0.5 = 3F000000, 0.1 = 3DCCCCCD.
        Assert.Equal(new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x3F }, (byte[])r.GetValue(0));
        Assert.Equal(new byte[] { 0xCD, 0xCC, 0xCC, 0x3D }, (byte[])r.GetValue(1));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x80 }, (byte[])r.GetValue(2));
        Assert.Equal(0L, r.GetInt64(3));
        Assert.Equal(1L, r.GetInt64(4));
    }

    [Fact]
    public void An_episode_left_open_at_dispose_reads_back_incomplete_and_trains_as_truncated_without_its_last_step()
    {
        using var store = new TempStore();
        using (var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum()))
        {
            StoreFixtures.WriteEpisode(writer, episode: 0, length: 4);
            StoreFixtures.WriteEpisode(writer, episode: 1, length: 6, end: false);
        }
        using var reader = TrajectoryReader.Open(store.Path);
        var episodes = reader.ReadEpisodes().ToList();
        var open = episodes[1];
        Assert.Equal(EpisodeStatus.Incomplete, open.Status);
        Assert.Equal(6, open.Length);
        Assert.Null(open.FinalObservation);
        Assert.False(open.Terminated);
        Assert.True(open.BootstrapsAtEnd);
        Assert.Equal(5, open.TrainableLength);
        // The value after the 5 trainable steps is V(observation of step 5), which was logged as row t=5.
        Assert.Equal([105f, 105.125f, 105.25f], open.BootstrapObservation.ToArray());

        using var c = new SqliteConnection($"Data Source={store.Path};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT status, length FROM episodes ORDER BY id";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal("complete", r.GetString(0));
        Assert.Equal(4L, r.GetInt64(1));
        Assert.True(r.Read());
        Assert.Equal("incomplete", r.GetString(0));
        Assert.True(r.IsDBNull(1));
    }

    [Fact]
    public void A_second_run_in_the_same_file_gets_its_own_run_id_and_episode_id_block()
    {
        using var store = new TempStore();
        using (var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum()))
            StoreFixtures.WriteEpisode(writer, 0, 3);
        long secondRun;
        using (var writer = TrajectoryWriter.Open(store.Path, StoreFixtures.CartPole()))
        {
            secondRun = writer.RunId;
            long id = writer.BeginEpisode();
            Assert.Equal(2_000_000_000, id); // run 2, episode 0
            writer.Append(new StepRecord([0.01f, 0.02f, 0.03f, 0.04f], [1f], 1.0, Math.Log(0.5), 0));
            writer.EndEpisode(terminated: true, truncated: false, [0.1f, 0.2f, 0.3f, 0.4f]);
        }
        using var reader = TrajectoryReader.Open(store.Path);
        Assert.Equal(2, reader.Runs.Count);
        Assert.Equal(StoreFixtures.CartPole(), reader.Runs[1].Info);
        Assert.Equal(SpaceSpec.Discrete(2), reader.Runs[1].Info.ActionSpace);
        var cart = Assert.Single(reader.ReadEpisodes(secondRun));
        Assert.Equal(0, cart.IndexInRun);
        Assert.Equal([1f], cart.Actions);
        Assert.Equal(3, reader.ReadEpisodes(reader.Runs[0].Id).Single().Length);
        Assert.Equal(4, reader.CountSteps());
        Assert.Equal(1, reader.CountSteps(secondRun));
        Assert.Throws<ArgumentException>(() => reader.ReadEpisodes(99));
    }

    [Fact]
    public void Two_writers_on_one_file_at_the_same_time_keep_their_runs_apart()
    {
        using var store = new TempStore();
        var options = new TrajectoryWriterOptions { BatchSize = 16, FlushInterval = TimeSpan.FromMilliseconds(2) };
        using (var a = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum(), options))
        using (var b = TrajectoryWriter.Open(store.Path, StoreFixtures.Pendulum() with { Plant = "second rig" }, options))
        {
            for (int e = 0; e < 6; e++)
            {
                StoreFixtures.WriteEpisode(a, e, 50 + e);
                StoreFixtures.WriteEpisode(b, 100 + e, 70 - e);
            }
        }
        using var reader = TrajectoryReader.Open(store.Path);
        Assert.Equal(["sim Pendulum-v1 pendulum.mass=1.3", "second rig"], reader.Runs.Select(r => r.Info.Plant));
        var first = reader.ReadEpisodes(reader.Runs[0].Id).ToList();
        var second = reader.ReadEpisodes(reader.Runs[1].Id).ToList();
        Assert.Equal([50, 51, 52, 53, 54, 55], first.Select(e => e.Length));
        Assert.Equal([70, 69, 68, 67, 66, 65], second.Select(e => e.Length));
        Assert.Equal([10104f, 10104.125f, 10104.25f], second[1].Observation(4).ToArray()); // episode 101, t 4
        Assert.All(first.Concat(second), e => Assert.Equal(EpisodeStatus.Complete, e.Status));
    }
}
