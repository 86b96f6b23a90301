namespace TrpoEdge.Sim.Yaml;

/// <summary>A malformed file: the message names the file, the 1-based line and, where known, the key.</summary>
public sealed class YamlFormatException : FormatException
{
    public YamlFormatException(string sourceName, int line, string? key, string problem)
        : base($"{sourceName}:{line}: {(key is null ? "" : $"key '{key}': ")}{problem}")
    {
        SourceName = sourceName;
        LineNumber = line;
        Key = key;
    }

    public string SourceName { get; }
    public int LineNumber { get; }
    public string? Key { get; }
}
