using System.Text.Json.Serialization;

namespace TrpoEdge.Runtime.Control;

/// <summary>The JSON shape of <c>runtime --summary-json</c>, one property per key in this order. A type (not a
/// dictionary of objects) so the source generator can write it without reflection: the runtime publishes as NativeAOT.</summary>
internal sealed record RunSummaryDocument(
    [property: JsonPropertyName("episodes")] int Episodes,
    [property: JsonPropertyName("steps")] long Steps,
    [property: JsonPropertyName("return_mean")] double? ReturnMean,
    [property: JsonPropertyName("return_std")] double? ReturnStd,
    [property: JsonPropertyName("returns")] double?[] Returns,
    [property: JsonPropertyName("latency_p50_us")] double? LatencyP50Us,
    [property: JsonPropertyName("latency_p99_us")] double? LatencyP99Us,
    [property: JsonPropertyName("jitter_p50_us")] double? JitterP50Us,
    [property: JsonPropertyName("jitter_p99_us")] double? JitterP99Us,
    [property: JsonPropertyName("jitter_p999_us")] double? JitterP999Us,
    [property: JsonPropertyName("jitter_max_us")] double? JitterMaxUs,
    [property: JsonPropertyName("deadline_misses")] long DeadlineMisses,
    [property: JsonPropertyName("faults")] long Faults,
    [property: JsonPropertyName("clamps")] long Clamps,
    [property: JsonPropertyName("cancelled")] bool Cancelled,
    [property: JsonPropertyName("elapsed_s")] double ElapsedSeconds,
    [property: JsonPropertyName("period_s")] double? PeriodSeconds,
    [property: JsonPropertyName("paced_by")] string PacedBy,
    [property: JsonPropertyName("plant_period_s")] double PlantPeriodSeconds,
    [property: JsonPropertyName("scheduling")] SchedulingDocument? Scheduling,
    [property: JsonPropertyName("first_action_utc")] string? FirstActionUtc);
