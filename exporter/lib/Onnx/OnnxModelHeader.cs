namespace TrpoEdge.Exporter.Onnx;

/// <summary>The model-level fields of an ONNX file, apart from the graph.</summary>
public sealed record OnnxModelHeader
{
    public required long IrVersion { get; init; }
    /// <summary>Version of the default (ai.onnx) operator set the graph's nodes follow.</summary>
    public required long Opset { get; init; }
    public required string ProducerName { get; init; }
    public string ProducerVersion { get; init; } = "";
    public long ModelVersion { get; init; }
    public string DocString { get; init; } = "";
    /// <summary>Written as metadata_props in this order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    public void Validate()
    {
        if (IrVersion < 3) throw new ArgumentException($"IR version {IrVersion} is too old; opset imports need IR 3 or later (use 8 for opset 17).");
        if (Opset < 1) throw new ArgumentException($"Opset {Opset} is not a valid ai.onnx operator set version.");
        if (string.IsNullOrWhiteSpace(ProducerName)) throw new ArgumentException("The producer name must not be empty.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _) in Metadata)
            if (!seen.Add(key))
                throw new ArgumentException($"Metadata key \"{key}\" appears twice; ONNX checkers reject duplicate metadata_props keys.");
    }
}
