namespace TrpoEdge.Runtime.Mqtt;

/// <summary>The topic tree of hardware/PROTOCOL.md ("Over MQTT"), in one place.</summary>
public static class MqttTopics
{
    public const string Root = "trpoedge";

    /// <summary>Host → rig: RigDownlink (HELLO, ACTION, STOP), QoS 0.</summary>
    public static string RigAction(string rigId) => $"{Root}/rig/{CheckLevel(rigId, "rig id")}/action";
    /// <summary>Rig → host: RigUplink (HANDSHAKE, STATE, FAULT), QoS 0.</summary>
    public static string RigState(string rigId) => $"{Root}/rig/{CheckLevel(rigId, "rig id")}/state";
    /// <summary>Retained RigHandshake while the rig is online; emptied by the rig's Will.</summary>
    public static string RigHandshake(string rigId) => $"{Root}/rig/{CheckLevel(rigId, "rig id")}/handshake";
    /// <summary>Retained RuntimeStatus; the Will sets it OFFLINE.</summary>
    public static string RuntimeStatus(string runtimeId) => $"{Root}/runtime/{CheckLevel(runtimeId, "runtime id")}/status";
    /// <summary>TrajectoryBatch, QoS 1.</summary>
    public static string Trajectories(string runtimeId) => $"{Root}/trajectories/{CheckLevel(runtimeId, "runtime id")}";
    /// <summary>What a collector subscribes to: every runtime's batches.</summary>
    public const string AllTrajectories = Root + "/trajectories/+";
    /// <summary>TrajectoryAck from the collector to one runtime, QoS 1.</summary>
    public static string TrajectoryAck(string runtimeId) => $"{Root}/trajectories/{CheckLevel(runtimeId, "runtime id")}/ack";
    /// <summary>Retained SignedPolicy for one environment id, QoS 1.</summary>
    public static string Policy(string envId) => $"{Root}/policy/{CheckLevel(envId, "env id")}";

    /// <summary>The runtime id in a trajectories topic, or null when the topic is not one.</summary>
    public static string? RuntimeIdOfTrajectories(string topic)
    {
        const string prefix = Root + "/trajectories/";
        if (!topic.StartsWith(prefix, StringComparison.Ordinal)) return null;
        string rest = topic[prefix.Length..];
        return rest.Length == 0 || rest.Contains('/') ? null : rest;
    }

    /// <summary>One topic level: no '/', '+', '#' or NUL, not empty.</summary>
    public static string CheckLevel(string value, string what)
    {
        if (string.IsNullOrEmpty(value) || value.AsSpan().IndexOfAny("/+#\0") >= 0)
            throw new ArgumentException($"The {what} \"{value}\" cannot be an MQTT topic level: it must be non-empty and contain no '/', '+', '#'.");
        return value;
    }

    public static void CheckPublishTopic(string topic)
    {
        if (string.IsNullOrEmpty(topic) || topic.AsSpan().IndexOfAny("+#\0") >= 0)
            throw new ArgumentException($"\"{topic}\" is not a topic one can publish to (empty, or a wildcard '+'/'#').");
    }
}
