using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Runtime.Policy;

/// <summary>What a policy is checked against: the plant's environment id, spaces and control period
/// (seconds per step).</summary>
public sealed record PlantDescription(string EnvId, SpaceSpec ObservationSpace, SpaceSpec ActionSpace, double ControlPeriod);
