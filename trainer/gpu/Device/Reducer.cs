using ILGPU;
using ILGPU.Runtime;

namespace TrpoEdge.Trainer.Gpu.Device;

/// <summary>Reductions to one double in two launches (strided partial sums, then one thread over the partials); only
/// the final scalar crosses to the host. Buffers are allocated once; a reduction allocates nothing on the host.</summary>
internal sealed class Reducer : IDisposable
{
    /// <summary>Partial sums per reduction: enough threads to fill a large GPU, few enough for one thread to finish.</summary>
    private const int MaxParts = 4096;
    private readonly DeviceKernels _k;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _partials, _result;
    private readonly double[] _host = new double[1];

    public Reducer(Accelerator accelerator, DeviceKernels kernels)
    {
        _k = kernels;
        _partials = accelerator.Allocate1D<double>(MaxParts);
        _result = accelerator.Allocate1D<double>(1);
    }

    private static int Parts(int n) => Math.Max(1, Math.Min(MaxParts, n));

    /// <summary>Σ a_k·b_k for k &lt; n, accumulated in double.</summary>
    public double Dot(ArrayView<float> a, ArrayView<float> b, int n)
    {
        int parts = Parts(n);
        _k.DotPartial(parts, a, b, _partials.View, n, parts);
        return Finish(parts);
    }

    /// <summary>Σ_k x[offset + k·stride] for k &lt; n.</summary>
    public double Sum(ArrayView<double> x, int n, int offset = 0, int stride = 1)
    {
        int parts = Parts(n);
        _k.SumPartial(parts, x, _partials.View, n, parts, offset, stride);
        return Finish(parts);
    }

    /// <summary>Σ_k x[offset + k·stride] for k &lt; n, float data summed in double.</summary>
    public double Sum(ArrayView<float> x, int n, int offset = 0, int stride = 1)
    {
        int parts = Parts(n);
        _k.SumFloatPartial(parts, x, _partials.View, n, parts, offset, stride);
        return Finish(parts);
    }

    /// <summary>Σ_k (x[offset + k·stride] − mean)².</summary>
    public double SquaredDeviations(ArrayView<float> x, int n, int offset, int stride, double mean)
    {
        int parts = Parts(n);
        _k.SquaredDeviationPartial(parts, x, _partials.View, n, parts, offset, stride, mean);
        return Finish(parts);
    }

    private double Finish(int parts)
    {
        _k.FinishSum(1, _partials.View, _result.View, parts, 0);
        _result.View.CopyToCPU(_host);
        return _host[0];
    }

    public void Dispose()
    {
        _partials.Dispose();
        _result.Dispose();
    }
}
