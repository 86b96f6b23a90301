namespace TrpoEdge.Runtime.Mqtt;

/// <summary>The MQTT link failed: the library is missing, the broker refused or is unreachable, or a
/// call was rejected. The message names what was tried and what to do.</summary>
public sealed class MqttException : IOException
{
    public MqttException(string message, Exception? inner = null) : base(message, inner) { }
}
