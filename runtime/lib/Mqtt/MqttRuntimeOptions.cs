namespace TrpoEdge.Runtime.Mqtt;

/// <summary><c>runtime --mqtt URL --rig-id ID --model policy.onnx [--publish-trajectories --log field.db]
/// [--follow-policy --trust KEY.pub.pem]</c>, as options for <see cref="MqttRuntime"/>.</summary>
public sealed record MqttRuntimeOptions
{
    public required MqttClientOptions Broker { get; init; }
    public required string RigId { get; init; }
    public required string ModelPath { get; init; }
    /// <summary>Names this runtime on the broker (status, trajectory topics); default "runtime-" + the rig id.</summary>
    public string? RuntimeId { get; init; }
    public int Episodes { get; init; } = 1;
    public ulong Seed { get; init; }
    public bool Explore { get; init; }
    public string? LogPath { get; init; }
    public bool PublishTrajectories { get; init; }
    public bool FollowPolicy { get; init; }
    public string? TrustPath { get; init; }
    public int? MaxEpisodeSteps { get; init; }
    public int Threads { get; init; } = 1;
    /// <summary>How long the end of the run waits for a collector to acknowledge the last trajectory batches.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public string EffectiveRuntimeId => RuntimeId ?? "runtime-" + RigId;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Broker);
        MqttTopics.CheckLevel(RigId, "rig id (--rig)");
        MqttTopics.CheckLevel(EffectiveRuntimeId, "runtime id (--runtime-id)");
        if (Episodes < 1) throw new ArgumentOutOfRangeException(nameof(Episodes), Episodes, "Run at least one episode (--episodes N, N >= 1).");
        if (PublishTrajectories && LogPath is null)
            throw new ArgumentException("--publish-trajectories streams from the local trajectory store: also give --log FILE (it is the outbox that survives broker outages).");
        if (FollowPolicy && TrustPath is null)
            throw new ArgumentException("--follow-policy needs --trust KEY.pub.pem: the public key whose signatures this runtime accepts (from `exporter keygen`).");
        if (!FollowPolicy && TrustPath is not null)
            throw new ArgumentException("--trust is only used with --follow-policy.");
        if (DrainTimeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(DrainTimeout), DrainTimeout, "DrainTimeout must not be negative.");
    }
}
