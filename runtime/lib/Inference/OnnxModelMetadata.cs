namespace TrpoEdge.Runtime.Inference;

/// <summary>A model's metadata as ONNX Runtime reports it, read once when the model opens: producer name,
/// model version and the custom <c>metadata_props</c> map.</summary>
public sealed class OnnxModelMetadata
{
    private readonly Dictionary<string, string> _custom;

    internal OnnxModelMetadata(string producerName, long version, Dictionary<string, string> custom)
    {
        ProducerName = producerName;
        Version = version;
        _custom = custom;
    }

    public string ProducerName { get; }
    public long Version { get; }

    /// <summary>Keys of the custom metadata map, sorted ordinally.</summary>
    public IReadOnlyList<string> CustomMetadataKeys => _custom.Keys.Order(StringComparer.Ordinal).ToArray();

    public IReadOnlyDictionary<string, string> CustomMetadata => _custom;

    /// <summary>The value for a custom key, or null when the model does not carry it.</summary>
    public string? LookupCustomMetadata(string key) => _custom.TryGetValue(key, out string? v) ? v : null;
}
