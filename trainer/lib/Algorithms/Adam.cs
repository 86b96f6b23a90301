namespace TrpoEdge.Trainer.Algorithms;

/// <summary>Adam over a flat parameter vector; its moments are saved in the checkpoint so a resumed
/// run continues exactly.</summary>
public sealed class Adam
{
    private readonly AdamOptions _options;
    private readonly float[] _m;
    private readonly float[] _v;

    public Adam(int parameterCount, AdamOptions options)
    {
        options.Validate();
        _options = options;
        _m = new float[parameterCount];
        _v = new float[parameterCount];
    }

    public long Step { get; private set; }
    public ReadOnlySpan<float> FirstMoment => _m;
    public ReadOnlySpan<float> SecondMoment => _v;

    /// <summary>θ ← θ − lr · m̂ / (√v̂ + ε), descending the gradient.</summary>
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != _m.Length || gradient.Length != _m.Length)
            throw new ArgumentException($"Adam was built for {_m.Length} parameters; got {parameters.Length} parameters and {gradient.Length} gradients.");
        Step++;
        new AdamCoefficients(_options, Step).Apply(parameters, gradient, _m, _v);
    }

    public void Restore(long step, ReadOnlySpan<float> m, ReadOnlySpan<float> v)
    {
        if (m.Length != _m.Length || v.Length != _v.Length)
            throw new ArgumentException($"Adam state has {m.Length}/{v.Length} moments; this optimiser has {_m.Length} parameters.");
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Adam step count cannot be negative.");
        Step = step;
        m.CopyTo(_m);
        v.CopyTo(_v);
    }
}
