using ILGPU;

namespace TrpoEdge.Trainer.Gpu.Kernels;

/// <summary>What the policy-head kernels read per batch row: the network outputs (Gaussian mean or logits), the
/// reference outputs (π_old), actions, behaviour log-probabilities, advantages, and θ whose tail from
/// <see cref="HeadOffset"/> is the Gaussian's log σ.</summary>
internal struct PolicyRows
{
    public ArrayView<float> Outputs, Reference, Actions, Advantages, Theta, ReferenceHead;
    public ArrayView<double> BehaviourLogProb, LogProb, RowTerms;
    /// <summary>Outputs per row: the action dimension or the number of actions.</summary>
    public int K;
    public int HeadOffset;
    /// <summary>1 for a diagonal Gaussian over Box actions, 0 for a categorical over Discrete ones.</summary>
    public int Gaussian;
    public int Count;
}
