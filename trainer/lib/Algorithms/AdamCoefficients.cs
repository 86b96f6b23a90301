namespace TrpoEdge.Trainer.Algorithms;

/// <summary>The scalars of one Adam step (Kingma and Ba 2015, algorithm 1, with the bias corrections folded into the
/// step size and ε), computed once on the host in double and applied elementwise in float by whichever engine holds
/// the vectors. <see cref="Apply"/> is the reference elementwise loop every CPU path uses.</summary>
public readonly struct AdamCoefficients
{
    public AdamCoefficients(AdamOptions options, long step)
    {
        double b1 = options.Beta1, b2 = options.Beta2;
        double c1 = 1 - Math.Pow(b1, step), c2 = 1 - Math.Pow(b2, step);
        Beta1 = (float)b1;
        Beta2 = (float)b2;
        StepSize = (float)(options.LearningRate * Math.Sqrt(c2) / c1);
        Epsilon = (float)(options.Epsilon * Math.Sqrt(c2)); // ε applied to the bias-corrected v̂, folded into one scale
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    /// <summary>lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ).</summary>
    public float StepSize { get; }
    /// <summary>ε·√(1 − β₂ᵗ).</summary>
    public float Epsilon { get; }

    /// <summary>m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − step·m/(√v + ε), in float.</summary>
    public void Apply(Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> firstMoment, Span<float> secondMoment)
    {
        int n = parameters.Length;
        if (gradient.Length != n || firstMoment.Length != n || secondMoment.Length != n)
            throw new ArgumentException($"Adam needs equal lengths; got {n} parameters, {gradient.Length} gradients, {firstMoment.Length}/{secondMoment.Length} moments.");
        float fb1 = Beta1, fb2 = Beta2, step = StepSize, eps = Epsilon;
        for (int i = 0; i < n; i++)
        {
            float g = gradient[i];
            float m = firstMoment[i] = fb1 * firstMoment[i] + (1 - fb1) * g;
            float v = secondMoment[i] = fb2 * secondMoment[i] + (1 - fb2) * g * g;
            parameters[i] -= step * m / (MathF.Sqrt(v) + eps);
        }
    }
}
