namespace TrpoEdge.Sim.Yaml;

/// <summary>A node of the YAML subset read by <see cref="MiniYaml"/>: a map, a scalar or a flow list.
/// <see cref="Line"/> is 1-based, for error messages.</summary>
public abstract record YamlNode(int Line);
