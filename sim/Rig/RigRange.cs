namespace TrpoEdge.Sim;

/// <summary>A closed sampling range from a rig file's <c>randomization:</c> section.</summary>
public readonly record struct RigRange(double Low, double High);
