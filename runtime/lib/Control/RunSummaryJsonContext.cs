using System.Text.Json.Serialization;

namespace TrpoEdge.Runtime.Control;

/// <summary>Source-generated serializer for <see cref="RunSummaryDocument"/> (no reflection, NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(RunSummaryDocument))]
internal sealed partial class RunSummaryJsonContext : JsonSerializerContext;
