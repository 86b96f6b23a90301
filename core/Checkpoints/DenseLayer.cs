namespace TrpoEdge.Core.Checkpoints;

/// <summary>One fully connected layer y = W·x + b. <see cref="Weight"/> is [Out, In] row-major (PyTorch's
/// nn.Linear layout, so a checkpoint loads into PyTorch without transposes); <see cref="Bias"/> is [Out].</summary>
public sealed record DenseLayer
{
    public DenseLayer(int In, int Out, float[] Weight, float[] Bias)
    {
        ArgumentNullException.ThrowIfNull(Weight);
        ArgumentNullException.ThrowIfNull(Bias);
        if (In < 1 || Out < 1)
            throw new ArgumentOutOfRangeException(nameof(In), $"A dense layer needs at least one input and one output; got In={In}, Out={Out}.");
        if (Weight.LongLength != (long)In * Out)
            throw new ArgumentException($"Weight of a {In}->{Out} layer needs {(long)In * Out} entries ([Out, In] row-major); got {Weight.Length}.", nameof(Weight));
        if (Bias.Length != Out)
            throw new ArgumentException($"Bias of a {In}->{Out} layer needs {Out} entries; got {Bias.Length}.", nameof(Bias));
        this.In = In;
        this.Out = Out;
        this.Weight = Weight;
        this.Bias = Bias;
    }

    public int In { get; }
    public int Out { get; }
    /// <summary>[Out * In], row r holds the weights into output r.</summary>
    public float[] Weight { get; }
    /// <summary>[Out].</summary>
    public float[] Bias { get; }
}
