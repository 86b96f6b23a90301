using static TorchSharp.torch;

namespace TrpoEdge.Trainer.Torch;

/// <summary>softmax(logits) over Discrete actions: log-softmax, KL and entropy from it.</summary>
public sealed class TorchCategoricalHead : TorchPolicyHead
{
    public override Tensor LogProb(Tensor outputs, Tensor head, Tensor actions) =>
        outputs.log_softmax(1).gather(1, actions.unsqueeze(1)).squeeze(1);

    public override Tensor Kl(Tensor referenceOutputs, Tensor referenceHead, Tensor outputs, Tensor head)
    {
        Tensor logP0 = referenceOutputs.log_softmax(1);
        return logP0.exp().mul(logP0.sub(outputs.log_softmax(1))).sum(1);
    }

    public override Tensor Entropy(Tensor outputs, Tensor head)
    {
        Tensor logP = outputs.log_softmax(1);
        return logP.exp().mul(logP).sum(1).neg();
    }

    public override Tensor Actions(float[] actions, int count, ScalarType dtype, Device device)
    {
        var indices = new long[count];
        for (int i = 0; i < count; i++) indices[i] = (long)actions[i];
        return tensor(indices).to(device);
    }
}
