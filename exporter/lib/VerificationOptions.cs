using TrpoEdge.Runtime.Inference;

namespace TrpoEdge.Exporter;

/// <summary>How <see cref="ModelVerifier"/> checks a written model against <see cref="PolicyReferenceForward"/>.</summary>
public sealed record VerificationOptions
{
    /// <summary>Observations drawn uniformly over the observation space's finite bounds (else mean ± 5 std).</summary>
    public int RandomObservations { get; init; } = 10_000;
    /// <summary>Extra observations drawn over mean ± 1.5·clip·std, where the normaliser clips: mean ± 5 std never
    /// reaches SB3's default clip of 10, so without these a graph that forgot its Clip would pass.</summary>
    public int ClipProbeObservations { get; init; } = 256;
    /// <summary>At most this many of the checkpoint's recorded observations, evenly spaced over the recording.</summary>
    public int MaxRecordedObservations { get; init; } = 1_000;
    /// <summary>Largest absolute difference allowed between any ONNX Runtime output and the reference.</summary>
    public double Tolerance { get; init; } = 1e-5;
    public ulong Seed { get; init; } = 20_240_601;
    /// <summary>Rows per ONNX Runtime call.</summary>
    public int BatchSize { get; init; } = 1_000;
    /// <summary>Where ONNX Runtime runs the model under test (the reference forward always runs on the CPU).</summary>
    public InferenceDevice Device { get; init; } = InferenceDevice.Cpu;

    public void Validate()
    {
        if (RandomObservations < 0)
            throw new ArgumentOutOfRangeException(nameof(RandomObservations), RandomObservations, "Use 0 or more random observations.");
        if (ClipProbeObservations < 0)
            throw new ArgumentOutOfRangeException(nameof(ClipProbeObservations), ClipProbeObservations, "Use 0 or more clip-probe observations.");
        if (MaxRecordedObservations < 0)
            throw new ArgumentOutOfRangeException(nameof(MaxRecordedObservations), MaxRecordedObservations, "Use 0 or more recorded observations.");
        if (RandomObservations + MaxRecordedObservations == 0)
            throw new ArgumentException("Verification needs at least one observation (random or recorded).");
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance))
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "The tolerance must be a finite number >= 0 (the contract uses 1e-5).");
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Run at least one row per batch.");
    }
}
