using static TorchSharp.torch;

namespace TrpoEdge.Trainer.Torch;

/// <summary>The distribution a policy's network outputs parameterise, written in LibTorch operations so autograd
/// can differentiate log-probabilities, KL and entropy. <paramref name="head"/> arguments are the head parameters
/// (the Gaussian's log σ; empty for the categorical).</summary>
public abstract class TorchPolicyHead
{
    /// <summary>log π(a_i|s_i), [batch].</summary>
    public abstract Tensor LogProb(Tensor outputs, Tensor head, Tensor actions);

    /// <summary>KL(π_ref(·|s_i) ‖ π(·|s_i)), [batch].</summary>
    public abstract Tensor Kl(Tensor referenceOutputs, Tensor referenceHead, Tensor outputs, Tensor head);

    /// <summary>H(π(·|s_i)), [batch].</summary>
    public abstract Tensor Entropy(Tensor outputs, Tensor head);

    /// <summary>The actions as this head indexes them (float rows for a Box, int64 indices for a Discrete).</summary>
    public abstract Tensor Actions(float[] actions, int count, ScalarType dtype, Device device);
}
