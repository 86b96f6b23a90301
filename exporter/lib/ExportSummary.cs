namespace TrpoEdge.Exporter;

/// <summary>What <see cref="PolicyExporter.Export(string, string)"/> wrote.</summary>
public sealed record ExportSummary
{
    public required string OnnxPath { get; init; }
    public required string CheckpointPath { get; init; }
    public required string CheckpointSha256 { get; init; }
    /// <summary>Lower-case hex SHA-256 of the written ONNX file.</summary>
    public required string FileSha256 { get; init; }
    public required long FileBytes { get; init; }
    public required IReadOnlyList<ModelPort> Inputs { get; init; }
    public required IReadOnlyList<ModelPort> Outputs { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; }
    /// <summary>Learned policy parameters (weights, biases, log_std); the normaliser's statistics are not counted.</summary>
    public required long ParameterCount { get; init; }
    public required long PolicyVersion { get; init; }
    /// <summary>Wall time from opening the checkpoint to the file being in place.</summary>
    public required TimeSpan Elapsed { get; init; }
}
