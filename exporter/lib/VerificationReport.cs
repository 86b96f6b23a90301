using System.Globalization;

namespace TrpoEdge.Exporter;

/// <summary>The outcome of <see cref="ModelVerifier.Verify"/>: the worst absolute difference over every
/// float output and observation, where it happened, and any contract or discrete-action mismatch.</summary>
public sealed record VerificationReport
{
    public required bool Passed { get; init; }
    public required double Tolerance { get; init; }
    public required int RandomObservations { get; init; }
    public required int RecordedObservations { get; init; }
    public required int ClipProbeObservations { get; init; }
    public required double WorstAbsDifference { get; init; }
    /// <summary>The output where <see cref="WorstAbsDifference"/> occurred ("" when nothing was compared).</summary>
    public required string WorstOutput { get; init; }
    /// <summary>The raw observation that produced the worst difference.</summary>
    public required float[] WorstObservation { get; init; }
    /// <summary>"random #i", "recorded #i" or "clip probe #i".</summary>
    public required string WorstSource { get; init; }
    /// <summary>Everything that failed, one line each; empty when <see cref="Passed"/>.</summary>
    public required IReadOnlyList<string> Failures { get; init; }
    public required TimeSpan Elapsed { get; init; }

    public override string ToString()
    {
        string obs = "[" + string.Join(", ", WorstObservation.Select(v => v.ToString("G9", CultureInfo.InvariantCulture))) + "]";
        string worst = $"worst |difference| {WorstAbsDifference.ToString("G3", CultureInfo.InvariantCulture)} in \"{WorstOutput}\" "
            + $"at {WorstSource} obs {obs} (tolerance {Tolerance.ToString("G3", CultureInfo.InvariantCulture)}; "
            + $"{RandomObservations} random + {RecordedObservations} recorded + {ClipProbeObservations} clip-probe observations)";
        return Passed ? "verified: " + worst : "verification FAILED: " + string.Join("; ", Failures) + "; " + worst;
    }
}
