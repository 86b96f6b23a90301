using TrpoEdge.Emulator;
using TrpoEdge.Emulator.Mqtt;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Mqtt;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Sim;

namespace TrpoEdge.Mqtt.Tests;

/// <summary>The virtual rig served over a real broker, in process, and the runtime's plant driving it.</summary>
public sealed class RigOverMqttTests
{
    internal sealed class VirtualRig : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly Thread _thread;

        public VirtualRig(string url, string id, bool lockstep = true)
        {
            Emulator = new RigEmulator(RigSpec.Load(TestFiles.DirectDriveRig), new EmulatorOptions { RigId = id, Lockstep = lockstep });
            Link = MqttRigLink.Connect(url, Emulator.Handshake);
            _thread = new Thread(() => Emulator.Run(Link, _cts.Token)) { IsBackground = true, Name = "virtual rig " + id };
            _thread.Start();
        }

        public RigEmulator Emulator { get; }
        public MqttRigLink Link { get; }

        public void Dispose()
        {
            _cts.Cancel();
            _thread.Join(5000);
            Link.Dispose();
            _cts.Dispose();
        }
    }

    [Fact]
    public void The_runtime_completes_episodes_on_the_virtual_rig_over_mqtt_and_plays_exactly_the_simulated_rig()
    {
        using var broker = MosquittoBroker.Start();
        using var rig = new VirtualRig(broker.Url, "rig-01");
        string dir = TestFiles.NewTempDir();
        string model = TestFiles.ExportPolicy(dir);
        PolicyModelInfo info = ModelContract.Read(File.ReadAllBytes(model));

        using var client = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "runtime-1-rig"));
        using var plant = new MqttPlant(client, "rig-01", ModelContract.PlantOptions(info));
        using var policy = PolicySession.Open(model, new PlantDescription(plant.EnvId, plant.ObservationSpace, plant.ActionSpace, plant.ControlPeriod));
        RunSummary overMqtt = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 3, Seed = 11 }).Run();

        Assert.Equal(3, overMqtt.Episodes.Count);
        Assert.All(overMqtt.Episodes, e => Assert.Equal(200, e.Steps));
        Assert.All(overMqtt.Episodes, e => Assert.Equal(EpisodeEnd.TimeLimit, e.End));
        MqttLinkStats link = plant.LinkStats;
        Assert.Equal(0, link.MissedStates);
        Assert.Equal(0, link.StaleStates);
        Assert.Equal(600, link.RoundTrips);
        Assert.Equal(3, rig.Emulator.Stats.Sessions - 1); // the constructor's HELLO plus one per episode

        // Independent peer: the same rig file simulated in process, same seeds, same policy. The rig's rewards
        // travel as float32, so returns agree to float precision, not bit for bit.
        using var sim = SimulatedPlant.Create(new SimulatedPlantOptions { RigFile = TestFiles.DirectDriveRig });
        using var simPolicy = PolicySession.Open(model, new PlantDescription(sim.EnvId, plant.ObservationSpace, sim.ActionSpace, sim.ControlPeriod),
            new PolicySessionOptions { AllowOtherEnv = true });
        RunSummary simulated = new ControlLoop(sim, simPolicy, new ControlLoopOptions { Episodes = 3, Seed = 11 }).Run();
        for (int i = 0; i < 3; i++)
            Assert.Equal(simulated.Episodes[i].Return, overMqtt.Episodes[i].Return, 2);
    }

    [Fact]
    public void A_rig_id_nobody_serves_fails_after_three_hellos_naming_the_rig()
    {
        using var broker = MosquittoBroker.Start();
        using var client = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "lonely"));
        var e = Assert.Throws<MqttException>(() => new MqttPlant(client, "rig-404", new MqttPlantOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(100) }));
        Assert.Contains("rig-404", e.Message);
        Assert.Contains("3 HELLOs", e.Message);
    }

    [Fact]
    public void A_policy_for_another_control_period_is_refused_before_any_action()
    {
        using var broker = MosquittoBroker.Start();
        using var rig = new VirtualRig(broker.Url, "rig-02");
        using var client = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "picky"));
        var e = Assert.Throws<RigContractException>(() => new MqttPlant(client, "rig-02", new MqttPlantOptions { ExpectedControlPeriod = 0.01 }));
        Assert.Contains("control period", e.Message);
        Assert.Equal(0, rig.Emulator.Stats.ActionsApplied);
    }
}
