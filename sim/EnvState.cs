namespace TrpoEdge.Sim;

/// <summary>An opaque, immutable snapshot from <see cref="IEnv.SaveState"/>. The id guards
/// against restoring a snapshot into a different kind of environment.</summary>
public sealed class EnvState
{
    public EnvState(string envId, double[] values, ulong[] generator)
    {
        EnvId = envId;
        Values = values;
        Generator = generator;
    }

    public string EnvId { get; }
    /// <summary>Physical state, counters and any buffered actions, in an order only the env knows.</summary>
    public IReadOnlyList<double> Values { get; }
    public IReadOnlyList<ulong> Generator { get; }
}
