using System.Text.Json.Serialization;

namespace TrpoEdge.Runtime.Control;

/// <summary>The <c>scheduling</c> object of <c>runtime --summary-json</c>: <see cref="LoopScheduling"/> as written.</summary>
internal sealed record SchedulingDocument(
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("priority")] int? Priority,
    [property: JsonPropertyName("cpu")] int? Cpu,
    [property: JsonPropertyName("memory_locked")] bool MemoryLocked,
    [property: JsonPropertyName("pacing")] string Pacing,
    [property: JsonPropertyName("spin_fraction")] double SpinFraction,
    [property: JsonPropertyName("realtime_requested")] bool RealtimeRequested,
    [property: JsonPropertyName("refusal")] string? Refusal);
