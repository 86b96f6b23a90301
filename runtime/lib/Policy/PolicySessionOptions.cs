using TrpoEdge.Runtime.Inference;

namespace TrpoEdge.Runtime.Policy;

/// <summary>How <see cref="PolicySession"/> opens and runs a model.</summary>
public sealed record PolicySessionOptions
{
    public PolicyMode Mode { get; init; } = PolicyMode.Deterministic;
    /// <summary>Seeds the exploration generator (sim's Pcg64, the trainer's generator; a seed means what it means to NumPy).</summary>
    public ulong Seed { get; init; }
    public InferenceOptions Session { get; init; } = new();
    /// <summary>Open even when the contract check reports errors. Only for diagnostics: the runtime CLI never sets it.</summary>
    public bool IgnoreContractErrors { get; init; }
    /// <summary>Accept a model trained for another environment id when its spaces fit (a warning, not an error).</summary>
    public bool AllowOtherEnv { get; init; }

    public void Validate()
    {
        if (!Enum.IsDefined(Mode)) throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Mode must be Deterministic or Explore.");
        ArgumentNullException.ThrowIfNull(Session);
        Session.Validate();
    }
}
