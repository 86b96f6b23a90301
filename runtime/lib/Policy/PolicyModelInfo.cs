using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Runtime.Policy;

/// <summary>The contract a model states in its metadata (docs/ARCHITECTURE.md contract 2); a field is null when the
/// model does not carry it or it could not be parsed (the contract check says which).</summary>
public sealed record PolicyModelInfo
{
    public int? FormatVersion { get; init; }
    public string? EnvId { get; init; }
    public SpaceSpec? ObservationSpace { get; init; }
    public SpaceSpec? ActionSpace { get; init; }
    public double? ControlPeriod { get; init; }
    public long PolicyVersion { get; init; }
    public string? CheckpointSha256 { get; init; }
    /// <summary>Lower-case hex SHA-256 of the model bytes that were loaded.</summary>
    public required string ModelSha256 { get; init; }
    public required string ProducerName { get; init; }
}
