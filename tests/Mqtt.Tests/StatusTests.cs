using TrpoEdge.Core.Mqtt;
using TrpoEdge.Runtime.Mqtt;

namespace TrpoEdge.Mqtt.Tests;

public sealed class StatusTests
{
    private static async Task<T> NextOn<T>(IMqttClient c, string topic, Google.Protobuf.MessageParser<T> parser) where T : Google.Protobuf.IMessage<T>
    {
        while (true)
        {
            MqttMessage m = await MqttClientTests.Next(c);
            if (m.Topic == topic) return parser.ParseFrom(m.Payload);
        }
    }

    [Fact]
    public async Task A_runtime_that_vanishes_is_marked_offline_by_its_will_and_status_sequence_numbers_count_up()
    {
        using var broker = MosquittoBroker.Start();
        var runtime = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "rt-9-rig") with
        {
            Will = RuntimeStatusPublisher.WillFor("rt-9"), ReconnectDelay = TimeSpan.FromSeconds(30), ReconnectDelayMax = TimeSpan.FromSeconds(30),
        });
        var status = new RuntimeStatusPublisher(runtime, "rt-9");
        status.Publish(new RuntimeStatus { State = RuntimeStatus.Types.State.Online });
        status.Publish(new RuntimeStatus { State = RuntimeStatus.Types.State.Running, Episodes = 3 });
        await Task.Delay(200);

        using var dashboard = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "dashboard"));
        string topic = MqttTopics.RuntimeStatus("rt-9");
        dashboard.Subscribe(topic, MqttQos.AtLeastOnce);
        RuntimeStatus retained = await NextOn(dashboard, topic, RuntimeStatus.Parser);
        Assert.Equal(RuntimeStatus.Types.State.Running, retained.State);
        Assert.Equal(1ul, retained.Seq);
        Assert.Equal("rt-9", retained.RuntimeId);

        // The runtime's connection is taken over (as if its process died): the broker publishes the Will.
        using var usurper = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "rt-9-rig"));
        RuntimeStatus will = await NextOn(dashboard, topic, RuntimeStatus.Parser);
        Assert.Equal(RuntimeStatus.Types.State.Offline, will.State);
        runtime.Dispose();
    }

    [Fact]
    public async Task The_virtual_rig_announces_its_handshake_retained_and_clears_it_when_it_goes()
    {
        using var broker = MosquittoBroker.Start();
        using var watcher = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "watcher"));
        string topic = MqttTopics.RigHandshake("rig-33");
        using (var rig = new RigOverMqttTests.VirtualRig(broker.Url, "rig-33"))
        {
            await Task.Delay(200);
            watcher.Subscribe(topic, MqttQos.AtLeastOnce);
            MqttMessage m = await MqttClientTests.Next(watcher);
            Assert.True(m.Retained);
            RigHandshake h = RigHandshake.Parser.ParseFrom(m.Payload);
            Assert.Equal("rig-33", h.RigId);
            Assert.Equal(50_000u, h.ControlPeriodUs);
            Assert.Equal(3u, h.ObsDim);
        }
        MqttMessage cleared = await MqttClientTests.Next(watcher);
        Assert.Equal(topic, cleared.Topic);
        Assert.Empty(cleared.Payload);
    }
}
