namespace TrpoEdge.Runtime.Policy;

/// <summary>The seam between the control loop and whatever computes actions: <see cref="PolicySession"/> runs the
/// exported model in ONNX Runtime; tests use fakes; <see cref="FirstActionClock"/> wraps one to time start-up.</summary>
public interface IPolicySession : IDisposable
{
    /// <summary>The contract the model states (env id, spaces, policy version, SHA-256s).</summary>
    PolicyModelInfo Model { get; }

    /// <summary>True when <see cref="Act"/> samples from the policy's distribution.</summary>
    bool Exploring { get; }

    /// <summary>Computes one action. <paramref name="action"/> has the action space's flat size (a
    /// discrete action is one float holding the index). Returns the behaviour log-probability of that
    /// exact (unclipped) action when exploring, NaN when deterministic. Never throws for non-finite
    /// model outputs: they come back as NaN in <paramref name="action"/>, for the safety layer to catch.</summary>
    double Act(ReadOnlySpan<float> observation, Span<float> action);
}
