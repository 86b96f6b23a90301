using Xunit.Abstractions;
using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Mqtt;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Trainer.Collection;

namespace TrpoEdge.Mqtt.Tests;

/// <summary>Runtimes log locally and stream finished episodes; the trainer's collector stores them once each.</summary>
public sealed class CollectionTests(ITestOutputHelper output)
{
    /// <summary>A runtime that drives the simulated direct-drive rig and logs to its own store.</summary>
    private sealed class FieldRuntime : IDisposable
    {
        private readonly SimulatedPlant _plant;
        private readonly PolicySession _policy;
        private readonly MqttNetClient _client;

        public FieldRuntime(string url, string id, string dir, string model)
        {
            Id = id;
            _plant = SimulatedPlant.Create(new SimulatedPlantOptions { RigFile = TestFiles.DirectDriveRig });
            PolicyModelInfo info = ModelContract.Read(File.ReadAllBytes(model));
            _policy = PolicySession.Open(model, new PlantDescription(_plant.EnvId, info.ObservationSpace!, _plant.ActionSpace, _plant.ControlPeriod),
                new PolicySessionOptions { Mode = PolicyMode.Explore, Seed = 5, AllowOtherEnv = true });
            StorePath = Path.Combine(dir, id + ".db");
            Writer = TrajectoryWriter.Open(StorePath, new RunInfo
            {
                EnvId = _plant.EnvId, ObservationSpace = info.ObservationSpace!, ActionSpace = _plant.ActionSpace,
                Program = "test runtime", ModelSha256 = _policy.Model.ModelSha256, CheckpointSha256 = _policy.Model.CheckpointSha256,
                PolicyVersion = 1, ControlPeriod = 0.05,
            });
            _client = MqttNetClient.Connect(MqttUrl.Parse(url, id + "-trajectories"));
            Publisher = new TrajectoryPublisher(_client, id, StorePath, Writer.RunId,
                new TrajectoryPublisherOptions { PollInterval = TimeSpan.FromMilliseconds(50), RetryInterval = TimeSpan.FromMilliseconds(500), MaxStepsPerBatch = 300 });
        }

        public string Id { get; }
        public string StorePath { get; }
        public TrajectoryWriter Writer { get; }
        public TrajectoryPublisher Publisher { get; }

        public void Play(int episodes, ulong seed) =>
            new ControlLoop(_plant, _policy, new ControlLoopOptions { Episodes = episodes, Seed = seed }, Writer).Run();

        public void Dispose()
        {
            Publisher.Dispose();
            _client.Dispose();
            _policy.Dispose();
            _plant.Dispose();
        }
    }

    [Fact]
    public async Task Two_runtimes_are_collected_with_no_step_lost_or_duplicated_across_a_broker_restart()
    {
        string dir = TestFiles.NewTempDir();
        string model = TestFiles.ExportPolicy(dir);
        string field = Path.Combine(dir, "field.db");
        using var broker = MosquittoBroker.Start();
        using var collectorClient = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "collector"));
        using var collector = new TrajectoryCollector(collectorClient, field);
        var log = new List<string>();
        collector.Log = log.Add;
        using var stop = new CancellationTokenSource();
        Task collecting = Task.Run(() => collector.RunAsync(stop.Token));

        using var a = new FieldRuntime(broker.Url, "rt-a", dir, model);
        using var b = new FieldRuntime(broker.Url, "rt-b", dir, model);
        a.Play(4, seed: 0);
        b.Play(3, seed: 100);
        await Task.Delay(150); // some batches out, some still in flight or unacknowledged
        broker.Stop();
        a.Play(3, seed: 10);  // written while the broker is down
        b.Play(4, seed: 110);
        broker.Restart();
        a.Play(2, seed: 20);
        a.Writer.Dispose();
        b.Writer.Dispose();
        Assert.True(a.Publisher.Complete(TimeSpan.FromSeconds(20)), $"rt-a: {a.Publisher.Outstanding} batches unacknowledged");
        Assert.True(b.Publisher.Complete(TimeSpan.FromSeconds(20)), $"rt-b: {b.Publisher.Outstanding} batches unacknowledged");
        stop.Cancel();
        await collecting;

        output.WriteLine($"collector: {collector.Stats}; reconnects {collectorClient.Connects - 1}");
        foreach (FieldRuntime rt in new[] { a, b })
            output.WriteLine($"{rt.Id}: {rt.Publisher.BatchesPublished} batches, {rt.Publisher.Republished} re-sent, {rt.Publisher.BatchesAcknowledged} acknowledged");
        // "stored ... but could not acknowledge it yet" is expected around the restart; a rejection is not.
        Assert.DoesNotContain(log, l => l.StartsWith("rejected", StringComparison.Ordinal));
        Assert.Equal(0, collector.Stats.Rejected);
        Assert.True(collectorClient.Connects >= 2, "the collector lived through the restart on a new connection");
        Assert.Equal(2, collector.Stats.Runtimes);
        using var collected = TrajectoryReader.Open(field);
        Assert.Equal("ok", collected.CheckIntegrity());
        long localSteps = 0;
        foreach (FieldRuntime rt in new[] { a, b })
        {
            using var local = TrajectoryReader.Open(rt.StorePath);
            localSteps += local.CountSteps();
            RunRecord run = Assert.Single(collected.Runs, r => r.Info.Notes!.Contains(rt.Publisher.RunKey));
            // trainer retrain refuses runs that do not name the acting checkpoint, so collection must carry it.
            Assert.NotNull(run.Info.CheckpointSha256);
            Assert.Equal(local.Runs.Single().Info.CheckpointSha256, run.Info.CheckpointSha256);
            var mine = local.ReadEpisodes().ToList();
            var theirs = collected.ReadEpisodes(run.Id).ToList();
            Assert.Equal(mine.Count, theirs.Count);
            for (int i = 0; i < mine.Count; i++)
            {
                Assert.Equal(mine[i].IndexInRun, theirs[i].IndexInRun);
                Assert.Equal(mine[i].Status, theirs[i].Status);
                Assert.Equal(mine[i].Terminated, theirs[i].Terminated);
                Assert.Equal(mine[i].Truncated, theirs[i].Truncated);
                Assert.Equal(mine[i].Observations, theirs[i].Observations);
                Assert.Equal(mine[i].Actions, theirs[i].Actions);
                Assert.Equal(mine[i].Rewards, theirs[i].Rewards);
                Assert.Equal(mine[i].LogProbs, theirs[i].LogProbs);
                Assert.Equal(mine[i].TimestampsNs, theirs[i].TimestampsNs);
                Assert.Equal(mine[i].FinalObservation, theirs[i].FinalObservation);
            }
        }
        Assert.Equal(16 * 200, localSteps);
        Assert.Equal(localSteps, collected.CountSteps());
        Assert.Equal(localSteps, collector.Stats.StepsStored);
    }

    [Fact]
    public void A_batch_imported_twice_is_stored_once_and_a_malformed_one_stores_nothing()
    {
        string dir = TestFiles.NewTempDir();
        string path = Path.Combine(dir, "field.db");
        var batch = new TrajectoryBatch
        {
            BatchId = "rt:1:5/0", RuntimeId = "rt", RunKey = "rt:1:5", Seq = 0,
            Run = new RunDescription
            {
                EnvId = "Pendulum-v1",
                ObservationSpace = Core.Spaces.SpaceSpec.Box([-1, -1, -8], [1, 1, 8]).ToJson(),
                ActionSpace = Core.Spaces.SpaceSpec.Box([-2], [2]).ToJson(),
            },
        };
        var chunk = new EpisodeChunk { IndexInRun = 0, FirstT = 0, EndsEpisode = true, Truncated = true };
        for (int t = 0; t < 3; t++)
        {
            chunk.Observations.AddRange([t, -t, 0.5f * t]);
            chunk.Actions.Add(0.1f * t);
            chunk.Rewards.Add(-t);
            chunk.LogProbs.Add(double.NaN);
            chunk.PolicyVersions.Add(7);
            chunk.TimestampsNs.Add(1_000 + t);
        }
        chunk.FinalObservation.AddRange([9, 9, 9]);
        batch.Chunks.Add(chunk);

        using (var importer = TrajectoryBatchImporter.Open(path))
        {
            Assert.True(importer.Import(batch));
            Assert.False(importer.Import(TrajectoryBatch.Parser.ParseFrom(batch.ToByteArray())));
            var bad = batch.Clone();
            bad.BatchId = "rt:1:5/1";
            bad.Chunks[0].IndexInRun = 1;
            bad.Chunks[0].Actions.RemoveAt(0);
            Assert.Throws<InvalidDataException>(() => importer.Import(bad));
            Assert.Equal(1, importer.DuplicatesIgnored);
            Assert.False(importer.Contains("rt:1:5/1"));
        }
        using var reader = TrajectoryReader.Open(path);
        EpisodeData e = Assert.Single(reader.ReadEpisodes());
        Assert.Equal(3, e.Length);
        Assert.Equal(EpisodeStatus.Complete, e.Status);
        Assert.True(e.Truncated);
        Assert.Equal(-3, e.Return);
        Assert.Equal([9f, 9f, 9f], e.FinalObservation!);
        Assert.Equal([1f, -1f, 0.5f], e.Observation(1).ToArray());
        Assert.True(double.IsNaN(e.LogProbs[0]));
    }
}
