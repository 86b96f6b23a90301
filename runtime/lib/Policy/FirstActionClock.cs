namespace TrpoEdge.Runtime.Policy;

/// <summary>Passes every call through to the wrapped policy and notes the wall-clock time of the first action, which
/// `runtime --summary-json` reports as <c>first_action_utc</c>: start-up to first action is what an edge board's
/// boot-to-control budget is about. One branch per step, no allocation.</summary>
public sealed class FirstActionClock(IPolicySession inner) : IPolicySession
{
    private readonly IPolicySession _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>When the first action was computed (UTC), or null before it.</summary>
    public DateTime? FirstActionUtc { get; private set; }

    public PolicyModelInfo Model => _inner.Model;
    public bool Exploring => _inner.Exploring;

    public double Act(ReadOnlySpan<float> observation, Span<float> action)
    {
        double logProb = _inner.Act(observation, action);
        if (FirstActionUtc is null) FirstActionUtc = DateTime.UtcNow;
        return logProb;
    }

    /// <summary>The wrapped policy belongs to the caller, which disposes it.</summary>
    public void Dispose() { }
}
