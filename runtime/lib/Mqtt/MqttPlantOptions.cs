using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>What the host expects of a rig reached over a broker. The <c>Expected*</c> values come from the policy
/// model's contract; when given, the rig's HANDSHAKE must agree with them (the serial plant's rules).</summary>
public sealed record MqttPlantOptions
{
    /// <summary>The env id the plant presents (the model's, e.g. "Rig:direct-drive"); default "Rig:" + the rig id.</summary>
    public string? EnvId { get; init; }
    public SpaceSpec? ExpectedObservationSpace { get; init; }
    public SpaceSpec? ExpectedActionSpace { get; init; }
    /// <summary>Seconds; the rig's period must match within 1 %.</summary>
    public double? ExpectedControlPeriod { get; init; }
    /// <summary>Steps after which the host truncates an episode (a real rig has no time limit of its own).</summary>
    public int? MaxEpisodeSteps { get; init; }
    /// <summary>How long to wait for a HANDSHAKE after each HELLO; HELLO is sent up to three times (QoS 0 lane).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Silence longer than this mid-episode interrupts the episode (the run goes on with the next); default:
    /// the larger of three control periods and the rig's watchdog, plus 250 ms for the broker.</summary>
    public TimeSpan? StateTimeout { get; init; }
    /// <summary>How long a new episode waits for a dropped broker connection to come back before the run fails.</summary>
    public TimeSpan ReconnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (MaxEpisodeSteps is int m && m < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxEpisodeSteps), m, "The step limit must be at least 1.");
        if (ExpectedControlPeriod is double p && !(p > 0))
            throw new ArgumentOutOfRangeException(nameof(ExpectedControlPeriod), p, "The control period must be positive.");
        if (HandshakeTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "The handshake timeout must be positive.");
        if (ReconnectTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ReconnectTimeout), ReconnectTimeout, "The reconnect timeout must not be negative.");
        if (StateTimeout is { } t && t <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(StateTimeout), t, "The state timeout must be positive.");
    }
}
