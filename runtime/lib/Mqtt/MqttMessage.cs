namespace TrpoEdge.Runtime.Mqtt;

/// <summary>A received message, copied out of the library's buffers (which are freed when its callback returns).</summary>
public sealed record MqttMessage(string Topic, byte[] Payload, MqttQos Qos, bool Retained);
