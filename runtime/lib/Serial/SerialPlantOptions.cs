using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Runtime.Serial;

/// <summary>What the host expects of a rig on a serial link. The <c>Expected*</c> values come from
/// the policy model's contract; when given, the rig's HANDSHAKE must agree with them.</summary>
public sealed record SerialPlantOptions
{
    /// <summary>The env id the plant presents (the model's, e.g. "Rig:direct-drive"); default "Rig:" + the rig's id.</summary>
    public string? EnvId { get; init; }
    public SpaceSpec? ExpectedObservationSpace { get; init; }
    public SpaceSpec? ExpectedActionSpace { get; init; }
    /// <summary>Seconds; the rig's period must match within 1 %.</summary>
    public double? ExpectedControlPeriod { get; init; }
    /// <summary>Steps after which an episode is truncated by the host (a real rig has no time limit of its own).</summary>
    public int? MaxEpisodeSteps { get; init; }
    /// <summary>How long to wait for a HANDSHAKE after each HELLO; HELLO is sent up to three times.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public void Validate()
    {
        if (MaxEpisodeSteps is int m && m < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxEpisodeSteps), m, "The step limit must be at least 1.");
        if (ExpectedControlPeriod is double p && !(p > 0))
            throw new ArgumentOutOfRangeException(nameof(ExpectedControlPeriod), p, "The control period must be positive.");
        if (HandshakeTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), HandshakeTimeout, "The handshake timeout must be positive.");
    }
}
