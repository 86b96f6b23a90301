namespace TrpoEdge.Sim.Yaml;

/// <summary>A plain or quoted scalar, kept as text; <see cref="Quoted"/> says it was written in quotes.</summary>
public sealed record YamlScalar(string Text, bool Quoted, int Line) : YamlNode(Line);
