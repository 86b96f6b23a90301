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
        double b1 = _options.Beta1, b2 = _options.Beta2;
        double c1 = 1 - Math.Pow(b1, Step), c2 = 1 - Math.Pow(b2, Step);
        double stepSize = _options.LearningRate * Math.Sqrt(c2) / c1;
        float eps = (float)(_options.Epsilon * Math.Sqrt(c2)); // ε applied to the bias-corrected v̂, folded into one scale
        float fb1 = (float)b1, fb2 = (float)b2, step = (float)stepSize;
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradient[i];
            float m = _m[i] = fb1 * _m[i] + (1 - fb1) * g;
            float v = _v[i] = fb2 * _v[i] + (1 - fb2) * g * g;
            parameters[i] -= step * m / (MathF.Sqrt(v) + eps);
        }
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
