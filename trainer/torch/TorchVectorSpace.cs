using TorchSharp;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engines;
using static TorchSharp.torch;

namespace TrpoEdge.Trainer.Torch;

/// <summary><see cref="IVectorAlgebra"/> over LibTorch tensors. Scalars cross as doubles; dot products are formed in
/// float64 whatever the engine's dtype, as the interface asks. Vectors are tensors the engine owns; in-place updates
/// run without autograd.</summary>
public sealed class TorchVectorSpace : IVectorAlgebra
{
    private readonly ScalarType _dtype;
    private readonly Device _device;

    public TorchVectorSpace(int length, ScalarType dtype, Device device)
    {
        Length = length;
        _dtype = dtype;
        _device = device;
    }

    public int Length { get; }

    public EngineVector CreateVector() => new TorchVector(zeros(Length, dtype: _dtype, device: _device));

    /// <summary>Wraps an existing tensor of this space (e.g. the engine's parameter vector) without copying.</summary>
    public TorchVector Wrap(Tensor tensor)
    {
        if (tensor.numel() != Length) throw new ArgumentException($"The tensor has {tensor.numel()} elements; this engine's vectors have {Length}.", nameof(tensor));
        return new TorchVector(tensor);
    }

    public double Dot(EngineVector a, EngineVector b)
    {
        using var scope = NewDisposeScope();
        return Of(a).to(float64).dot(Of(b).to(float64)).item<double>();
    }

    public void Axpy(double alpha, EngineVector x, EngineVector y)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Of(y).add_(Of(x), alpha);
    }

    public void Combine(EngineVector destination, EngineVector x, double alpha, EngineVector y)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        // Formed out of place first: the destination may alias x or y.
        Of(destination).copy_(Of(x).to(float64).add(Of(y).to(float64), alpha));
    }

    public void Scale(double alpha, EngineVector x)
    {
        using var _ = no_grad();
        Of(x).mul_(alpha);
    }

    public void Copy(EngineVector source, EngineVector destination)
    {
        using var _ = no_grad();
        Of(destination).copy_(Of(source));
    }

    public void Clear(EngineVector x)
    {
        using var _ = no_grad();
        Of(x).zero_();
    }

    public void AdamStep(EngineVector parameters, EngineVector gradient, EngineVector firstMoment, EngineVector secondMoment, in AdamCoefficients coefficients)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Tensor g = Of(gradient), m = Of(firstMoment), v = Of(secondMoment);
        m.mul_(coefficients.Beta1).add_(g, 1 - coefficients.Beta1);
        v.mul_(coefficients.Beta2).addcmul_(g, g, 1 - coefficients.Beta2);
        Of(parameters).addcdiv_(m, v.sqrt().add_(coefficients.Epsilon), -coefficients.StepSize);
    }

    public void Upload(ReadOnlySpan<float> source, EngineVector destination)
    {
        if (source.Length != Length) throw new ArgumentException($"source has {source.Length} elements; this engine's vectors have {Length}.", nameof(source));
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Of(destination).copy_(tensor(source.ToArray()));
    }

    public void Download(EngineVector source, Span<float> destination)
    {
        if (destination.Length != Length) throw new ArgumentException($"destination has {destination.Length} elements; this engine's vectors have {Length}.", nameof(destination));
        using var scope = NewDisposeScope();
        Of(source).detach().to(float32).cpu().data<float>().ToArray().CopyTo(destination);
    }

    /// <summary>The tensor behind a vector of this space; throws for another engine's vector or another length.</summary>
    public Tensor Of(EngineVector vector)
    {
        if (vector is not TorchVector t)
            throw new ArgumentException($"A {vector.GetType().Name} belongs to another engine; the TorchSharp engine takes only vectors it created.", nameof(vector));
        if (t.Length != Length) throw new ArgumentException($"The vector has {t.Length} elements; this engine's vectors have {Length}.", nameof(vector));
        return t.Value;
    }
}
