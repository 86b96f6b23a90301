using TrpoEdge.Trainer.Engine;
using static TorchSharp.torch;

namespace TrpoEdge.Trainer.Torch;

/// <summary>The forward pass of an <see cref="Mlp"/> written in LibTorch operations over a slice of a flat parameter
/// tensor, in the managed layout (W₀ [out, in] row-major, b₀, W₁, b₁, …), so autograd differentiates it with respect
/// to the same flat vector the algorithms see. Derivatives come from autograd alone: nothing here repeats the
/// managed engine's hand-written backward or forward-mode passes, which is what makes it an independent check.</summary>
public sealed class TorchMlp
{
    private readonly int[] _widths;
    private readonly Activation _activation;

    public TorchMlp(Mlp shape)
    {
        _widths = new int[shape.LayerCount + 1];
        for (int i = 0; i < shape.LayerCount; i++) _widths[i] = shape.LayerInputs(i);
        _widths[^1] = shape.OutputSize;
        _activation = shape.Activation;
        ParameterCount = shape.ParameterCount;
    }

    public int ParameterCount { get; }

    public int InputSize => _widths[0];

    public int OutputSize => _widths[^1];

    /// <summary>y = f(x) for x [batch, inputs], with the network's parameters at theta[0 .. ParameterCount).</summary>
    public Tensor Forward(Tensor theta, Tensor x)
    {
        Tensor h = x;
        long offset = 0;
        int layers = _widths.Length - 1;
        for (int i = 0; i < layers; i++)
        {
            int nIn = _widths[i], nOut = _widths[i + 1];
            Tensor w = theta.narrow(0, offset, (long)nOut * nIn).view(nOut, nIn);
            offset += (long)nOut * nIn;
            Tensor b = theta.narrow(0, offset, nOut);
            offset += nOut;
            Tensor z = h.matmul(w.t()).add(b);
            h = i == layers - 1 ? z : _activation == Activation.Tanh ? z.tanh() : z.relu();
        }
        return h;
    }
}
