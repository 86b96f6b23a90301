using System.Threading.Channels;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>The MQTT seam (docs/ARCHITECTURE.md "Dependencies and why"): libmosquitto behind it today
/// (<see cref="MosquittoClient"/>), MQTTnet if a registry ever serves it. Subscriptions survive reconnects:
/// the client subscribes again after every CONNACK.</summary>
public interface IMqttClient : IDisposable
{
    string ClientId { get; }
    bool IsConnected { get; }
    /// <summary>Every message received on any subscription, in arrival order. Read from one consumer.</summary>
    ChannelReader<MqttMessage> Messages { get; }
    /// <summary>Times the connection came up (1 after the first connect; more after reconnects).</summary>
    long Connects { get; }

    /// <summary>Queues a message. Returns its message id (QoS 1: <see cref="Delivered"/> fires with it on PUBACK).
    /// Throws <see cref="MqttException"/> when the library refuses (too large, not connected with QoS 0, ...).</summary>
    int Publish(string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retain = false);

    /// <summary>Subscribes now (if connected) and again after every reconnect.</summary>
    void Subscribe(string filter, MqttQos qos);

    /// <summary>Raised on the network thread when a QoS 1 message was acknowledged by the broker (or a QoS 0 one sent).</summary>
    event Action<int>? Delivered;
    /// <summary>Raised on the network thread on connect (true) and disconnect (false).</summary>
    event Action<bool>? ConnectionChanged;
}
