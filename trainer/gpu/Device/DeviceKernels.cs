using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Trainer.Gpu.Device;

/// <summary>The network and vector kernels of one accelerator, compiled once (each compile costs 0.1–0.3 s) and shared
/// by every device network, vector space and reduction on it.</summary>
internal sealed class DeviceKernels
{
    public DeviceKernels(Accelerator a)
    {
        Forward = a.LoadAutoGroupedStreamKernel<Index1D, DenseLayer, ArrayView<float>, ArrayView<float>>(MlpKernels.Forward);
        Jvp = a.LoadAutoGroupedStreamKernel<Index1D, DenseLayer, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(MlpKernels.Jvp);
        BackwardInput = a.LoadAutoGroupedStreamKernel<Index1D, DenseLayer, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(MlpKernels.BackwardInput);
        WeightGradientPartial = a.LoadAutoGroupedStreamKernel<Index1D, DenseLayer, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(MlpKernels.WeightGradientPartial);
        SumChunks = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(MlpKernels.SumChunks);
        DotPartial = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int>(VectorKernels.DotPartial);
        SumPartial = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int, int, int>(VectorKernels.SumPartial);
        SumFloatPartial = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<double>, int, int, int, int>(VectorKernels.SumFloatPartial);
        SquaredDeviationPartial = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<double>, int, int, int, int, double>(VectorKernels.SquaredDeviationPartial);
        FinishSum = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int>(VectorKernels.FinishSum);
        Axpy = a.LoadAutoGroupedStreamKernel<Index1D, double, ArrayView<float>, ArrayView<float>>(VectorKernels.Axpy);
        Combine = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, double, ArrayView<float>>(VectorKernels.Combine);
        Scale = a.LoadAutoGroupedStreamKernel<Index1D, double, ArrayView<float>>(VectorKernels.Scale);
        Adam = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float>(VectorKernels.Adam);
        Standardize = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, double, double>(VectorKernels.Standardize);
    }

    public Action<Index1D, DenseLayer, ArrayView<float>, ArrayView<float>> Forward { get; }
    public Action<Index1D, DenseLayer, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> Jvp { get; }
    public Action<Index1D, DenseLayer, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> BackwardInput { get; }
    public Action<Index1D, DenseLayer, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> WeightGradientPartial { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> SumChunks { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<double>, int, int> DotPartial { get; }
    public Action<Index1D, ArrayView<double>, ArrayView<double>, int, int, int, int> SumPartial { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<double>, int, int, int, int> SumFloatPartial { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<double>, int, int, int, int, double> SquaredDeviationPartial { get; }
    public Action<Index1D, ArrayView<double>, ArrayView<double>, int, int> FinishSum { get; }
    public Action<Index1D, double, ArrayView<float>, ArrayView<float>> Axpy { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<float>, double, ArrayView<float>> Combine { get; }
    public Action<Index1D, double, ArrayView<float>> Scale { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float> Adam { get; }
    public Action<Index1D, ArrayView<float>, double, double> Standardize { get; }
}
