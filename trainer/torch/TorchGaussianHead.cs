using static TorchSharp.torch;

namespace TrpoEdge.Trainer.Torch;

/// <summary>N(μ, diag σ²) with a state-independent log σ: the textbook formulas, in the dtype of the tensors.</summary>
public sealed class TorchGaussianHead : TorchPolicyHead
{
    private readonly int _size;

    public TorchGaussianHead(int size) => _size = size;

    public override Tensor LogProb(Tensor outputs, Tensor head, Tensor actions)
    {
        Tensor z = actions.sub(outputs).div(head.exp());
        return z.square().mul(-0.5).sum(1).sub(head.sum()).sub(0.5 * Math.Log(2 * Math.PI) * _size);
    }

    public override Tensor Kl(Tensor referenceOutputs, Tensor referenceHead, Tensor outputs, Tensor head)
    {
        // Σ_j log σ1 − log σ0 + (σ0² + (μ0 − μ1)²)/(2σ1²) − ½
        Tensor var0 = referenceHead.mul(2).exp();
        Tensor var1 = head.mul(2).exp();
        Tensor quadratic = referenceOutputs.sub(outputs).square().add(var0).div(var1.mul(2));
        return quadratic.add(head.sub(referenceHead)).sub(0.5).sum(1);
    }

    public override Tensor Entropy(Tensor outputs, Tensor head) =>
        head.add(0.5 * Math.Log(2 * Math.PI * Math.E)).sum().expand(outputs.shape[0]);

    public override Tensor Actions(float[] actions, int count, ScalarType dtype, Device device) =>
        tensor(actions.AsSpan(0, count * _size).ToArray()).view(count, _size).to(dtype, device);
}
