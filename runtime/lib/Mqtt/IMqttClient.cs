using System.Threading.Channels;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>The MQTT seam: <see cref="MqttNetClient"/> (MQTTnet, managed) behind it, so tests and tools can put another
/// client in front of the same plants and publishers. Subscriptions survive reconnects: the client subscribes again
/// after every CONNACK.</summary>
public interface IMqttClient : IDisposable
{
    string ClientId { get; }
    bool IsConnected { get; }
    /// <summary>Every message received on any subscription, in arrival order. Read from one consumer.</summary>
    ChannelReader<MqttMessage> Messages { get; }
    /// <summary>Times the connection came up (1 after the first connect; more after reconnects).</summary>
    long Connects { get; }

    /// <summary>Queues a message. Returns its message id (QoS 1: <see cref="Delivered"/> fires with it on PUBACK).
    /// Throws <see cref="MqttException"/> when the message cannot be sent (not connected, the connection broke).</summary>
    int Publish(string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retain = false);

    /// <summary>Subscribes now (if connected) and again after every reconnect.</summary>
    void Subscribe(string filter, MqttQos qos);

    /// <summary>Raised when a QoS 1 message was acknowledged by the broker (or a QoS 0 one written), possibly on another thread.</summary>
    event Action<int>? Delivered;
    /// <summary>Raised on connect (true) and disconnect (false), on the client's own threads.</summary>
    event Action<bool>? ConnectionChanged;
}
