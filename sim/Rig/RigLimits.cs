namespace TrpoEdge.Sim;

/// <summary>Safety limits from a rig file's <c>limits:</c> section, for the runtime's safety layer.
/// <see cref="MaxAngle"/> bounds the unwrapped angle |θ| in rad (cable wind-up, hard stops);
/// <see cref="MaxVelocity"/> bounds |θ̇| in rad/s. The env ends an episode on them only when
/// <see cref="Terminate"/> is set.</summary>
public sealed record RigLimits(double? MaxAngle, double? MaxVelocity, bool Terminate);
