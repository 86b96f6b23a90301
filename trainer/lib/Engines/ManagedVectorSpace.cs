using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Engines;

/// <summary><see cref="IVectorAlgebra"/> over managed arrays: plain loops that follow the interface's formulas to the
/// rounding (float elements, double scalars and dot accumulation), allocating nothing. These are the exact loops
/// conjugate gradient and the line search ran before they were written over engine vectors, so results are unchanged
/// bit for bit.</summary>
public sealed class ManagedVectorSpace : IVectorAlgebra
{
    public ManagedVectorSpace(int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "A vector length must be zero or more.");
        Length = length;
    }

    public int Length { get; }

    public EngineVector CreateVector() => new ManagedVector(new float[Length]);

    /// <summary>Wraps an existing array (e.g. a network's parameters) as a vector of this space, without copying.</summary>
    public ManagedVector Wrap(float[] data)
    {
        Check(data.Length, "data");
        return new ManagedVector(data);
    }

    public double Dot(EngineVector a, EngineVector b)
    {
        ReadOnlySpan<float> x = Of(a), y = Of(b);
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (double)x[i] * y[i];
        return s;
    }

    public void Axpy(double alpha, EngineVector x, EngineVector y)
    {
        ReadOnlySpan<float> xs = Of(x);
        Span<float> ys = Of(y);
        for (int i = 0; i < ys.Length; i++) ys[i] += (float)(alpha * xs[i]);
    }

    public void Combine(EngineVector destination, EngineVector x, double alpha, EngineVector y)
    {
        Span<float> d = Of(destination);
        ReadOnlySpan<float> xs = Of(x), ys = Of(y);
        for (int i = 0; i < d.Length; i++) d[i] = (float)(xs[i] + alpha * ys[i]);
    }

    public void Scale(double alpha, EngineVector x)
    {
        Span<float> xs = Of(x);
        for (int i = 0; i < xs.Length; i++) xs[i] = (float)(alpha * xs[i]);
    }

    public void Copy(EngineVector source, EngineVector destination) => Of(source).CopyTo(Of(destination));

    public void Clear(EngineVector x) => Of(x).Clear();

    public void AdamStep(EngineVector parameters, EngineVector gradient, EngineVector firstMoment, EngineVector secondMoment, in AdamCoefficients coefficients) =>
        coefficients.Apply(Of(parameters), Of(gradient), Of(firstMoment), Of(secondMoment));

    public void Upload(ReadOnlySpan<float> source, EngineVector destination)
    {
        Check(source.Length, nameof(source));
        source.CopyTo(Of(destination));
    }

    public void Download(EngineVector source, Span<float> destination)
    {
        Check(destination.Length, nameof(destination));
        Of(source).CopyTo(destination);
    }

    /// <summary>The array behind a vector of this space; throws for another engine's vector or another length.</summary>
    public Span<float> Of(EngineVector vector)
    {
        if (vector is not ManagedVector managed)
            throw new ArgumentException($"A {vector.GetType().Name} belongs to another engine; the managed engine takes only vectors it created.", nameof(vector));
        Check(managed.Length, nameof(vector));
        return managed.Data;
    }

    private void Check(int length, string name)
    {
        if (length != Length)
            throw new ArgumentException($"{name} has {length} elements; this engine's vectors have {Length}.", name);
    }
}
