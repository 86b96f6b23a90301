namespace TrpoEdge.Sim.Yaml;

/// <summary>A block mapping; entries keep file order.</summary>
public sealed record YamlMap(IReadOnlyList<KeyValuePair<string, YamlNode>> Entries, int Line) : YamlNode(Line);
