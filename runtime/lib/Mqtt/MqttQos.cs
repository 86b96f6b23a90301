namespace TrpoEdge.Runtime.Mqtt;

/// <summary>MQTT delivery guarantee. QoS 2 is not used by TrpoEdge: idempotent receivers make 1 enough.</summary>
public enum MqttQos
{
    AtMostOnce = 0,
    AtLeastOnce = 1,
}
