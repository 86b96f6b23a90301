namespace TrpoEdge.Sim.Spaces;

/// <summary>An observation or action space. Actions always travel as float spans:
/// a <see cref="BoxSpace"/> action has <see cref="BoxSpace.Dim"/> floats, a
/// <see cref="DiscreteSpace"/> action is one float holding the integer index.</summary>
public abstract record Space
{
    /// <summary>Floats one sample of this space occupies in a span.</summary>
    public abstract int FlatSize { get; }

    /// <summary>A stable text form, e.g. <c>Box(3)[-1,-1,-8;1,1,8]</c> or <c>Discrete(2)</c>;
    /// stored in checkpoints and model metadata and compared across processes.</summary>
    public abstract string Describe();
}
