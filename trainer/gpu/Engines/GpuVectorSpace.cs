using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Gpu.Device;

namespace TrpoEdge.Trainer.Gpu.Engines;

/// <summary><see cref="IVectorAlgebra"/> over device buffers: each operation is one kernel launch with the interface's
/// rounding (float elements, double scalars); <see cref="Dot"/> is the only one that returns to the host, with one
/// double. Vectors it creates are freed with the space.</summary>
public sealed class GpuVectorSpace : IVectorAlgebra, IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _k;
    private readonly List<GpuVector> _owned = [];

    public GpuVectorSpace(GpuDevice device, int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "A vector length must be zero or more.");
        _device = device;
        _k = device.Kernels;
        Length = length;
    }

    public int Length { get; }

    public EngineVector CreateVector() => CreateGpuVector();

    internal GpuVector CreateGpuVector()
    {
        var v = new GpuVector(_device.Accelerator, Length);
        _owned.Add(v);
        return v;
    }

    public double Dot(EngineVector a, EngineVector b) => Length == 0 ? 0 : _device.Reducer.Dot(Of(a), Of(b), Length);

    public void Axpy(double alpha, EngineVector x, EngineVector y)
    {
        if (Length > 0) _k.Axpy(Length, alpha, Of(x), Of(y));
    }

    public void Combine(EngineVector destination, EngineVector x, double alpha, EngineVector y)
    {
        if (Length > 0) _k.Combine(Length, Of(destination), Of(x), alpha, Of(y));
    }

    public void Scale(double alpha, EngineVector x)
    {
        if (Length > 0) _k.Scale(Length, alpha, Of(x));
    }

    public void Copy(EngineVector source, EngineVector destination)
    {
        if (Length > 0) Of(source).CopyTo(Of(destination));
    }

    public void Clear(EngineVector x)
    {
        if (Length > 0) Of(x).MemSetToZero();
    }

    public void AdamStep(EngineVector parameters, EngineVector gradient, EngineVector firstMoment, EngineVector secondMoment, in AdamCoefficients c)
    {
        if (Length > 0)
            _k.Adam(Length, Of(parameters), Of(gradient), Of(firstMoment), Of(secondMoment), c.Beta1, c.Beta2, c.StepSize, c.Epsilon);
    }

    public void Upload(ReadOnlySpan<float> source, EngineVector destination)
    {
        Check(source.Length, nameof(source));
        if (Length > 0) Of(destination).CopyFromCPU(source);
    }

    public void Download(EngineVector source, Span<float> destination)
    {
        Check(destination.Length, nameof(destination));
        if (Length == 0) return;
        Of(source).CopyToCPU(destination);
    }

    /// <summary>The device view behind a vector of this space; throws for another engine's vector or another length.</summary>
    internal ArrayView<float> Of(EngineVector vector)
    {
        if (vector is not GpuVector gpu)
            throw new ArgumentException($"A {vector.GetType().Name} belongs to another engine; the GPU engine takes only vectors it created.", nameof(vector));
        Check(gpu.Length, nameof(vector));
        return gpu.View;
    }

    private void Check(int length, string name)
    {
        if (length != Length)
            throw new ArgumentException($"{name} has {length} elements; this engine's vectors have {Length}.", name);
    }

    public void Dispose()
    {
        foreach (var v in _owned) v.Dispose();
        _owned.Clear();
    }
}
