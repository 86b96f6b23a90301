using Google.Protobuf;
using TrpoEdge.Core.Mqtt;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>The runtime's retained status on trpoedge/runtime/ID/status. Connect the client with
/// <see cref="WillFor"/> as its Will: if the runtime dies, the broker replaces the status with OFFLINE.</summary>
public sealed class RuntimeStatusPublisher
{
    private readonly IMqttClient _client;
    private readonly string _topic;
    private ulong _seq;

    public RuntimeStatusPublisher(IMqttClient client, string runtimeId)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        RuntimeId = runtimeId;
        _topic = MqttTopics.RuntimeStatus(runtimeId);
    }

    public string RuntimeId { get; }

    /// <summary>The Will to connect with: a retained OFFLINE status.</summary>
    public static MqttWill WillFor(string runtimeId) => new(MqttTopics.RuntimeStatus(runtimeId),
        new RuntimeStatus { State = RuntimeStatus.Types.State.Offline, RuntimeId = runtimeId, Detail = "connection lost" }.ToByteArray());

    /// <summary>Publishes <paramref name="status"/> retained at QoS 1, stamping sequence number, id and time.</summary>
    public void Publish(RuntimeStatus status)
    {
        status.Seq = _seq++;
        status.RuntimeId = RuntimeId;
        status.UnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        try
        {
            _client.Publish(_topic, status.ToByteArray(), MqttQos.AtLeastOnce, retain: true);
        }
        catch (MqttException)
        {
            // Status is advisory: a broker outage must not stop the control loop. The next status replaces it.
        }
    }
}
