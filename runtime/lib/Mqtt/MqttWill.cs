namespace TrpoEdge.Runtime.Mqtt;

/// <summary>What the broker publishes on the client's behalf when the client vanishes without disconnecting.</summary>
public sealed record MqttWill(string Topic, byte[] Payload, MqttQos Qos = MqttQos.AtLeastOnce, bool Retain = true);
