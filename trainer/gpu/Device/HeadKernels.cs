using ILGPU;
using ILGPU.Runtime;
using TrpoEdge.Trainer.Gpu.Kernels;

namespace TrpoEdge.Trainer.Gpu.Device;

/// <summary>The policy-head, critic and row-gathering kernels of one accelerator, compiled once.</summary>
internal sealed class HeadKernels
{
    public HeadKernels(Accelerator a)
    {
        Surrogate = a.LoadAutoGroupedStreamKernel<Index1D, PolicyRows>(PolicyKernels.Surrogate);
        OutputGradient = a.LoadAutoGroupedStreamKernel<Index1D, PolicyRows, ArrayView<float>>(PolicyKernels.OutputGradient);
        FisherMetric = a.LoadAutoGroupedStreamKernel<Index1D, PolicyRows, ArrayView<float>, float>(PolicyKernels.FisherMetric);
        HeadFisher = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(PolicyKernels.HeadFisher);
        Kl = a.LoadAutoGroupedStreamKernel<Index1D, PolicyRows>(PolicyKernels.Kl);
        Entropy = a.LoadAutoGroupedStreamKernel<Index1D, PolicyRows>(PolicyKernels.Entropy);
        ColumnSumPartial = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int, int>(PolicyKernels.ColumnSumPartial);
        ColumnSumFinish = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<float>, int, int, int>(PolicyKernels.ColumnSumFinish);
        GatherRows = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int>(RowKernels.GatherRows);
        GatherValues = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>>(RowKernels.GatherValues);
        StrideRows = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(RowKernels.StrideRows);
        Residual = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, int>(RowKernels.Residual);
    }

    public Action<Index1D, PolicyRows> Surrogate { get; }
    public Action<Index1D, PolicyRows, ArrayView<float>> OutputGradient { get; }
    public Action<Index1D, PolicyRows, ArrayView<float>, float> FisherMetric { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<float>, int> HeadFisher { get; }
    public Action<Index1D, PolicyRows> Kl { get; }
    public Action<Index1D, PolicyRows> Entropy { get; }
    public Action<Index1D, ArrayView<double>, ArrayView<double>, int, int, int> ColumnSumPartial { get; }
    public Action<Index1D, ArrayView<double>, ArrayView<float>, int, int, int> ColumnSumFinish { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int> GatherRows { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>> GatherValues { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> StrideRows { get; }
    public Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<double>, int> Residual { get; }
}
