namespace TrpoEdge.Sim.Yaml;

/// <summary>A flow list of scalars, <c>[a, b, c]</c>.</summary>
public sealed record YamlList(IReadOnlyList<YamlScalar> Items, int Line) : YamlNode(Line);
