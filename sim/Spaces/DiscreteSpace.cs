namespace TrpoEdge.Sim.Spaces;

/// <summary>Integers 0..N-1 (Gymnasium's <c>Discrete</c>).</summary>
public sealed record DiscreteSpace : Space
{
    public DiscreteSpace(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "A discrete space needs at least one action.");
        N = n;
    }

    public int N { get; }
    public override int FlatSize => 1;
    public override string Describe() => $"Discrete({N})";
}
