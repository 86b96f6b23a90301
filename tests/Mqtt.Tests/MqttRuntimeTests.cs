using System.Security.Cryptography;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Mqtt;
using TrpoEdge.Trainer.Collection;

namespace TrpoEdge.Mqtt.Tests;

/// <summary>The whole fleet loop on one broker: virtual rig, runtime following signed policies and streaming its
/// steps, trainer collecting them.</summary>
public sealed class MqttRuntimeTests
{
    [Fact]
    public async Task A_following_runtime_switches_to_a_newer_signed_policy_between_episodes_and_its_steps_are_collected()
    {
        string dir = TestFiles.NewTempDir();
        string v1 = TestFiles.ExportPolicy(dir, version: 1, name: "v1");
        string v2 = TestFiles.ExportPolicy(dir, version: 2, seed: 2, name: "v2");
        string key = Path.Combine(dir, "fleet.pem"), pub = Path.Combine(dir, "fleet.pub.pem");
        PolicySigning.GenerateKeyPair(key, pub);
        using var broker = MosquittoBroker.Start();
        using var rig = new RigOverMqttTests.VirtualRig(broker.Url, "rig-07");

        using var collectorClient = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "collector"));
        using var collector = new TrajectoryCollector(collectorClient, Path.Combine(dir, "field.db"));
        using var stopCollecting = new CancellationTokenSource();
        Task collecting = Task.Run(() => collector.RunAsync(stopCollecting.Token));

        var lines = new List<string>();
        var options = new MqttRuntimeOptions
        {
            Broker = MqttUrl.Parse(broker.Url), RigId = "rig-07", ModelPath = v1, Episodes = 4, Seed = 3,
            LogPath = Path.Combine(dir, "local.db"), PublishTrajectories = true, FollowPolicy = true, TrustPath = pub,
        };
        // v2 is retained on the broker before the runtime starts with v1: the follower receives it while the first
        // episode is set up or runs, and the runtime switches at the next episode boundary it reaches.
        using (var trainer = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "trainer")))
        using (ECDsa signer = PolicySigning.LoadPrivateKey(key))
            PolicyPublisher.Publish(trainer, File.ReadAllBytes(v2), signer, "test", TimeSpan.FromSeconds(5));
        MqttRunResult result = await Task.Run(() => MqttRuntime.Run(options, l => { lock (lines) lines.Add(l); }));
        stopCollecting.Cancel();
        await collecting;

        Assert.Equal(4, result.Episodes.Count);
        Assert.All(result.Episodes, e => Assert.Equal(200, e.Steps));
        Assert.Equal(1, result.PolicySwitches);
        Assert.Equal(2, result.FinalPolicyVersion);
        Assert.True(result.Drained);
        Assert.Empty(result.PolicyRefusals);
        Assert.Contains(lines, l => l.StartsWith("switched to policy version 2", StringComparison.Ordinal));

        // The local store and the collected copy agree: steps acted by v1, then by v2, never mixed within an episode.
        using var local = TrajectoryReader.Open(options.LogPath);
        var episodes = local.ReadEpisodes().ToList();
        Assert.Equal(4, episodes.Count);
        Assert.All(episodes, e => Assert.Single(e.PolicyVersions.Distinct()));
        Assert.Equal(2, episodes[^1].PolicyVersions[0]);
        Assert.Equal(1, local.Runs.Single().Info.PolicyVersion); // the run started with v1
        Assert.Equal(800, collector.Stats.StepsStored);
    }

    [Fact]
    public void Publishing_trajectories_without_a_local_store_is_refused_with_what_to_add()
    {
        var o = new MqttRuntimeOptions { Broker = MqttUrl.Parse("mqtt://127.0.0.1:1883"), RigId = "r", ModelPath = "m.onnx", PublishTrajectories = true };
        Assert.Contains("--log", Assert.Throws<ArgumentException>(o.Validate).Message);
        var f = o with { PublishTrajectories = false, FollowPolicy = true };
        Assert.Contains("--trust", Assert.Throws<ArgumentException>(f.Validate).Message);
    }
}
