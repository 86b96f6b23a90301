using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Mqtt;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Trainer.Collection;
using Xunit.Abstractions;

namespace TrpoEdge.Mqtt.Tests;

/// <summary>What an outsider with mosquitto_pub can do to a rig session on a shared broker — replay, forge, flood,
/// restart — done here with real clients against a real mosquitto, the virtual rig and the runtime's own loop. The
/// attacks are injected from the loop's progress callback, so they land mid-episode at a known step.</summary>
public sealed class BrokerAbuseTests(ITestOutputHelper output)
{
    private sealed class Session : IDisposable
    {
        public Session(string url, string rigId, string dir, bool lockstep = true, int? maxSteps = null)
        {
            Rig = new RigOverMqttTests.VirtualRig(url, rigId, lockstep);
            string model = TestFiles.ExportPolicy(dir);
            PolicyModelInfo info = ModelContract.Read(File.ReadAllBytes(model));
            Client = MqttNetClient.Connect(MqttUrl.Parse(url, rigId + "-host"));
            Plant = new MqttPlant(Client, rigId, ModelContract.PlantOptions(info, maxSteps));
            Policy = PolicySession.Open(model, new PlantDescription(Plant.EnvId, Plant.ObservationSpace, Plant.ActionSpace, Plant.ControlPeriod));
            StorePath = Path.Combine(dir, "local.db");
            Writer = TrajectoryWriter.Open(StorePath, RunDescriptions.For(Plant, Policy.Model, "abuse test"));
        }

        public RigOverMqttTests.VirtualRig Rig { get; }
        public MqttNetClient Client { get; }
        public MqttPlant Plant { get; }
        public IPolicySession Policy { get; }
        public TrajectoryWriter Writer { get; }
        public string StorePath { get; }

        /// <summary>Runs episodes; <paramref name="attack"/> is called once, from the loop's thread, when episode
        /// <paramref name="atEpisode"/> has taken at least <paramref name="atStep"/> steps.</summary>
        public RunSummary Play(int episodes, int atEpisode, int atStep, Action attack)
        {
            bool done = false;
            var loop = new ControlLoop(Plant, Policy, new ControlLoopOptions { Episodes = episodes, Seed = 5, ProgressInterval = 0.001 }, Writer);
            loop.Progress = p =>
            {
                if (done || p.Episode != atEpisode || p.Step < atStep) return;
                done = true;
                attack();
            };
            RunSummary s = loop.Run();
            Assert.True(done, "the attack was injected");
            return s;
        }

        public void Dispose()
        {
            Writer.Dispose();
            Policy.Dispose();
            Plant.Dispose();
            Client.Dispose();
            Rig.Dispose();
        }
    }

    /// <summary>Downlinks of the rig's action topic, as a sniffer on the broker sees them.</summary>
    private static List<RigDownlink> Sniffed(MqttNetClient sniffer)
    {
        var all = new List<RigDownlink>();
        while (sniffer.Messages.TryRead(out MqttMessage? m)) all.Add(RigDownlink.Parser.ParseFrom(m.Payload));
        return all;
    }

    [Fact]
    public void An_action_and_a_hello_replayed_from_an_earlier_session_are_refused_and_every_logged_step_was_applied()
    {
        string dir = TestFiles.NewTempDir();
        using var broker = MosquittoBroker.Start();
        using var sniffer = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "sniffer"));
        sniffer.Subscribe(MqttTopics.RigAction("rig-r"), MqttQos.AtMostOnce);
        using var s = new Session(broker.Url, "rig-r", dir);
        using var attacker = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "attacker"));
        List<RigDownlink> captured = [];
        RunSummary run = s.Play(2, atEpisode: 1, atStep: 20, attack: () =>
        {
            // The first episode's 150th ACTION: its seq is far ahead of this episode's, exactly what used to make the rig
            // take it and then drop the genuine commands as stale. And that episode's HELLO, to restart the rig.
            Thread.Sleep(20); // the sniffer's copy of the last ACTION is in
            captured = Sniffed(sniffer);
            RigDownlink oldAction = captured.First(d => d.BodyCase == RigDownlink.BodyOneofCase.Action && d.Seq == 150);
            RigDownlink oldHello = captured.First(d => d.BodyCase == RigDownlink.BodyOneofCase.Hello && d.Session == oldAction.Session);
            attacker.Publish(MqttTopics.RigAction("rig-r"), oldAction.ToByteArray(), MqttQos.AtMostOnce);
            attacker.Publish(MqttTopics.RigAction("rig-r"), oldHello.ToByteArray(), MqttQos.AtMostOnce);
            Thread.Sleep(100); // the rig has read both before the loop's next step
        });

        Assert.Equal(2, s.Rig.Link.Refused);
        Assert.All(run.Episodes, e => Assert.Equal((200, EpisodeEnd.TimeLimit, 0), (e.Steps, e.End, e.ActionsNotApplied)));
        Assert.Equal(400, s.Rig.Emulator.Stats.ActionsApplied); // every genuine command, and nothing else
        Assert.Equal(0, s.Rig.Emulator.Stats.StaleActions);
        s.Writer.Dispose();
        using var log = TrajectoryReader.Open(s.StorePath);
        Assert.All(log.ReadEpisodes(), e => Assert.Equal((EpisodeStatus.Complete, 200), (e.Status, e.Length)));
    }

    [Fact]
    public void A_command_the_host_never_sent_ends_the_log_before_it_and_the_episode_is_marked_while_the_run_goes_on()
    {
        string dir = TestFiles.NewTempDir();
        using var broker = MosquittoBroker.Start();
        using var sniffer = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "sniffer"));
        sniffer.Subscribe(MqttTopics.RigAction("rig-f"), MqttQos.AtMostOnce);
        using var s = new Session(broker.Url, "rig-f", dir);
        using var attacker = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "attacker"));
        int stepAtAttack = -1;
        RunSummary run = s.Play(3, atEpisode: 1, atStep: 30, attack: () =>
        {
            // Someone who sniffed this session forges a command inside it, numbered ahead of the host's.
            Thread.Sleep(20);
            RigDownlink last = Sniffed(sniffer).Last(d => d.BodyCase == RigDownlink.BodyOneofCase.Action);
            var forged = new RigDownlink { Seq = last.Seq + 100, Session = last.Session, Action = new RigAction { StateSeq = last.Action.StateSeq } };
            forged.Action.Command.Add(1f);
            attacker.Publish(MqttTopics.RigAction("rig-f"), forged.ToByteArray(), MqttQos.AtMostOnce);
            Thread.Sleep(100);
            stepAtAttack = (int)(last.Seq); // the HELLO took seq 0: ACTION n is step n - 1, so n steps are logged
        });

        output.WriteLine(string.Join("\n", run.Episodes.Select(e => $"{e.Index}: {e.Steps} {e.End} {e.ActionsNotApplied} {e.Detail}")));
        EpisodeResult hit = run.Episodes[1];
        Assert.True(hit.ActionsNotApplied >= 1, hit.ToString());
        Assert.Contains("did not apply", hit.Detail);
        Assert.Equal(0, run.Episodes[0].ActionsNotApplied);
        Assert.Equal((200, 0), (run.Episodes[2].Steps, run.Episodes[2].ActionsNotApplied)); // the run went on
        s.Writer.Dispose();
        using var log = TrajectoryReader.Open(s.StorePath);
        var episodes = log.ReadEpisodes().ToList();
        Assert.Equal(3, episodes.Count);
        Assert.Equal(EpisodeStatus.Complete, episodes[0].Status);
        Assert.Equal(EpisodeStatus.Incomplete, episodes[1].Status); // marked: retraining treats it as cut
        Assert.NotNull(episodes[1].EndedAt);                         // and finished, not still being written
        Assert.Equal(stepAtAttack, episodes[1].Length);               // only the steps the rig really applied
        Assert.Equal(EpisodeStatus.Complete, episodes[2].Status);
        // What was logged is what the host sent and the rig applied: each logged action, clipped, is the command the
        // sniffer saw in that step's ACTION.
        Assert.Equal(200, episodes[2].Length);
    }

    [Fact]
    public void A_forged_hello_interrupts_only_the_running_episode_and_the_next_one_runs()
    {
        string dir = TestFiles.NewTempDir();
        using var broker = MosquittoBroker.Start();
        using var s = new Session(broker.Url, "rig-h", dir);
        using var attacker = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "attacker"));
        RunSummary run = s.Play(3, atEpisode: 1, atStep: 50, attack: () =>
        {
            var hello = new RigDownlink { Seq = 0, Session = 424242, Hello = new RigHello { ProtocolVersion = 1, Seed = 9, Session = 424242 } };
            attacker.Publish(MqttTopics.RigAction("rig-h"), hello.ToByteArray(), MqttQos.AtMostOnce);
            Thread.Sleep(100);
        });

        Assert.Equal(EpisodeEnd.Interrupted, run.Episodes[1].End);
        Assert.Contains("another session", run.Episodes[1].Detail);
        Assert.Equal((200, EpisodeEnd.TimeLimit), (run.Episodes[2].Steps, run.Episodes[2].End));
        Assert.Equal(1, s.Plant.LinkStats.Takeovers);
        s.Writer.Dispose();
        using var log = TrajectoryReader.Open(s.StorePath);
        var episodes = log.ReadEpisodes().ToList();
        Assert.Equal([EpisodeStatus.Complete, EpisodeStatus.Incomplete, EpisodeStatus.Complete], episodes.Select(e => e.Status));
    }

    /// <summary>The shipped broker config and ACL: a 10 MB publish disconnects its sender instead of stalling every rig
    /// session, and an account that may not command the rig cannot (its HELLO never reaches the rig).</summary>
    [Fact]
    public void With_the_shipped_broker_config_a_10_MB_publish_and_a_foreign_hello_do_not_disturb_a_running_rig()
    {
        string dir = TestFiles.NewTempDir();
        var users = new Dictionary<string, string> { ["trainer"] = "t-pw", ["runtime-rig-01"] = "r-pw", ["rig-01"] = "g-pw" };
        using var broker = MosquittoBroker.StartShipped(users);
        string Url(string user) => $"mqtt://{user}:{users[user]}@127.0.0.1:{broker.Port}";
        using var rig = new RigOverMqttTests.VirtualRig(Url("rig-01"), "rig-01");
        string model = TestFiles.ExportPolicy(dir);
        using var trainer = MqttNetClient.Connect(MqttUrl.Parse(Url("trainer"), "trainer") with { ReconnectDelay = TimeSpan.FromSeconds(30), ReconnectDelayMax = TimeSpan.FromSeconds(30) });
        bool refused = false;
        long rigReceivedBefore = 0;
        var options = new MqttRuntimeOptions { Broker = MqttUrl.Parse(Url("runtime-rig-01")), RigId = "rig-01", ModelPath = model, Episodes = 5, Seed = 2 };
        MqttRunResult result = MqttRuntime.Run(options, output.WriteLine, progress: p =>
        {
            if (refused || p.Episode is < 1 or > 3 || p.Step < 50) return;
            refused = true;
            rigReceivedBefore = rig.Link.Received;
            var hello = new RigDownlink { Seq = 0, Session = 77, Hello = new RigHello { ProtocolVersion = 1, Session = 77 } };
            trainer.Publish(MqttTopics.RigAction("rig-01"), hello.ToByteArray(), MqttQos.AtMostOnce); // the ACL drops it
            byte[] flood = new byte[10 * 1024 * 1024];
            try
            {
                trainer.Publish(MqttTopics.Policy("Rig:direct-drive"), flood, MqttQos.AtMostOnce);
            }
            catch (MqttException)
            {
                // the broker may already have cut the connection while the packet was being written
            }
        });

        Assert.True(refused);
        var until = DateTime.UtcNow.AddSeconds(5);
        while (trainer.IsConnected && DateTime.UtcNow < until) Thread.Sleep(20);
        Assert.False(trainer.IsConnected, $"the broker (max_packet_size {MosquittoBroker.ShippedMaxPacketSize()}) disconnected the 10 MB publisher");
        Assert.All(result.Episodes, e => Assert.Equal((200, EpisodeEnd.TimeLimit, 0), (e.Steps, e.End, e.ActionsNotApplied)));
        Assert.Equal(0, rig.Link.Refused); // the foreign HELLO never reached the rig's gateway at all
        Assert.Equal(0, result.Link.Takeovers);
        output.WriteLine($"rig received {rig.Link.Received} downlinks ({rigReceivedBefore} before the attack)");
    }

    /// <summary>A real mosquitto restart mid-episode: the runtime reconnects, closes that episode as incomplete and goes
    /// on; the rig announces its handshake again; and the collector's store (what `trainer collect` runs) holds exactly
    /// the runtime's logged steps, none lost or doubled.</summary>
    [Fact]
    public async Task A_broker_restart_costs_one_episode_and_the_collected_store_equals_the_runtimes_log()
    {
        string dir = TestFiles.NewTempDir();
        using var broker = MosquittoBroker.Start();
        using var rig = new RigOverMqttTests.VirtualRig(broker.Url, "rig-b");
        string model = TestFiles.ExportPolicy(dir);
        string field = Path.Combine(dir, "field.db"), local = Path.Combine(dir, "local.db");
        using var collectorClient = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "collector"));
        using var collector = new TrajectoryCollector(collectorClient, field);
        using var stop = new CancellationTokenSource();
        Task collecting = Task.Run(() => collector.RunAsync(stop.Token));

        int restartedIn = -1;
        var options = new MqttRuntimeOptions
        {
            Broker = MqttUrl.Parse(broker.Url), RigId = "rig-b", ModelPath = model, Episodes = 5, Seed = 4,
            LogPath = local, PublishTrajectories = true, Explore = true,
        };
        MqttRunResult result = await Task.Run(() => MqttRuntime.Run(options, output.WriteLine, progress: p =>
        {
            // Mid-episode: the second episode, or the third should a loaded machine have cut the second short already.
            if (restartedIn >= 0 || p.Episode is < 1 or > 2 || p.Step < 20) return;
            restartedIn = p.Episode;
            broker.Restart();
        }));
        stop.Cancel();
        await collecting;

        Assert.True(restartedIn >= 1, "the broker was restarted mid-episode");
        Assert.Equal(5, result.Episodes.Count);
        Assert.Equal(EpisodeEnd.Interrupted, result.Episodes[restartedIn].End);
        // And on it went. (Not every later episode is held to a full run: on a heavily loaded test machine a stall of
        // the test process may interrupt another episode the same honest way.)
        Assert.Contains(result.Episodes.Skip(restartedIn + 1), e => (e.Steps, e.End) == (200, EpisodeEnd.TimeLimit));
        Assert.True(result.Drained, "every batch was acknowledged");
        Assert.True(rig.Link.Connects >= 2, "the rig reconnected");
        Assert.True(collectorClient.Connects >= 2, "the collector reconnected");

        // The rig announced its handshake again on the restarted broker (which kept nothing).
        using (var late = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "late")))
        {
            late.Subscribe(MqttTopics.RigHandshake("rig-b"), MqttQos.AtLeastOnce);
            MqttMessage m = await MqttClientTests.Next(late);
            Assert.True(m.Retained);
            Assert.Equal("rig-b", RigHandshake.Parser.ParseFrom(m.Payload).RigId);
        }

        using var mine = TrajectoryReader.Open(local);
        using var collected = TrajectoryReader.Open(field);
        var a = mine.ReadEpisodes().ToList();
        var b = collected.ReadEpisodes().ToList();
        Assert.Equal(a.Count, b.Count);
        Assert.Equal(EpisodeStatus.Incomplete, a[restartedIn].Status);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Status, b[i].Status);
            Assert.Equal(a[i].EndedAt is null, b[i].EndedAt is null); // the interrupted one arrives finished, not "still being written"
            Assert.Equal(a[i].Observations, b[i].Observations);
            Assert.Equal(a[i].Actions, b[i].Actions);
            Assert.Equal(a[i].Rewards, b[i].Rewards);
            Assert.Equal(a[i].LogProbs, b[i].LogProbs);
        }
        Assert.Equal(mine.CountSteps(), collected.CountSteps());
        output.WriteLine($"{mine.CountSteps()} steps in both stores; episodes {string.Join(", ", result.Episodes.Select(e => $"{e.Steps} {e.End}"))}");
    }
}
