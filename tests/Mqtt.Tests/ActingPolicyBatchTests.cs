using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Mqtt.Tests;

/// <summary>Trajectory batches carry each episode's acting policy into the collector's store; batches from
/// publishers that predate the field store the episode as "acting policy not recorded".</summary>
public sealed class ActingPolicyBatchTests
{
    [Fact]
    public void A_chunks_acting_policy_survives_the_wire_and_the_import_and_its_absence_stays_unknown()
    {
        string dir = TestFiles.NewTempDir();
        string path = Path.Combine(dir, "field.db");
        string ckpt = new('a', 64), model = new('b', 64);
        var batch = new TrajectoryBatch
        {
            BatchId = "rt:1:5/0", RuntimeId = "rt", RunKey = "rt:1:5", Seq = 0,
            Run = new RunDescription
            {
                EnvId = "Pendulum-v1", PolicyVersion = 3, CheckpointSha256 = new string('c', 64),
                ObservationSpace = Core.Spaces.SpaceSpec.Box([-1, -1, -8], [1, 1, 8]).ToJson(),
                ActionSpace = Core.Spaces.SpaceSpec.Box([-2], [2]).ToJson(),
            },
        };
        for (uint e = 0; e < 2; e++)
        {
            var chunk = new EpisodeChunk { IndexInRun = e, FirstT = 0, EndsEpisode = true, Truncated = true };
            chunk.Observations.AddRange([1, 2, 3]);
            chunk.Actions.Add(0.5f);
            chunk.Rewards.Add(-1);
            chunk.LogProbs.Add(-0.9);
            chunk.PolicyVersions.Add(e == 0 ? 8 : 3);
            chunk.TimestampsNs.Add(1_000);
            chunk.FinalObservation.AddRange([4, 5, 6]);
            if (e == 0) chunk.ActingPolicy = new EpisodeActingPolicy { PolicyVersion = 8, CheckpointSha256 = ckpt, ModelSha256 = model };
            batch.Chunks.Add(chunk);
        }
        TrajectoryBatch received = TrajectoryBatch.Parser.ParseFrom(batch.ToByteArray());
        using (var importer = TrajectoryBatchImporter.Open(path)) Assert.True(importer.Import(received));
        using (var reader = TrajectoryReader.Open(path))
        {
            var episodes = reader.ReadEpisodes().ToList();
            Assert.Equal(new ActingPolicy(8, ckpt, model), episodes[0].Policy);
            Assert.Null(episodes[1].Policy);
        }

        var bad = batch.Clone();
        bad.BatchId = "rt:1:5/1";
        bad.RunKey = "rt:1:6";
        bad.Chunks[0].ActingPolicy.CheckpointSha256 = "not-a-hash";
        using var again = TrajectoryBatchImporter.Open(path);
        var error = Assert.Throws<InvalidDataException>(() => again.Import(bad));
        Assert.Contains("episode 0", error.Message);
        Assert.Contains("CheckpointSha256", error.Message);
    }
}
