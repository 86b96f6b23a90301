using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Runtime.Tests.Fakes;

/// <summary>A policy whose action at each call is given by a function of the call index (may be NaN or
/// throw), with log-prob −call.</summary>
internal sealed class ScriptedPolicy(Func<int, float> action) : IPolicySession
{
    private int _calls;

    public PolicyModelInfo Model { get; } = new() { ModelSha256 = new string('0', 64), ProducerName = "test", PolicyVersion = 3 };
    public bool Exploring => true;
    public int Calls => _calls;

    /// <summary>True once any observation given to <see cref="Act"/> held a NaN or infinity.</summary>
    public bool SawNonFinite { get; private set; }

    public double Act(ReadOnlySpan<float> observation, Span<float> a)
    {
        foreach (float v in observation) SawNonFinite |= !float.IsFinite(v);
        a.Fill(action(_calls));
        return -_calls++;
    }

    public void Dispose() { }
}
