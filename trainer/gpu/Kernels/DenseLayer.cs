using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>One dense layer of a device MLP as its kernels see it: z = x·Wᵀ + b over <see cref="Rows"/> rows, W
/// [Out, In] row-major at <see cref="WeightOffset"/> of the flat parameters (PyTorch's layout, as the managed Mlp).</summary>
internal struct DenseLayer
{
    public ArrayView<float> Parameters;
    public int WeightOffset, BiasOffset, In, Out;
    /// <summary>0 linear, 1 tanh, 2 relu.</summary>
    public int Activation;
}
