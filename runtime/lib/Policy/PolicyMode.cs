namespace TrpoEdge.Runtime.Policy;

public enum PolicyMode
{
    /// <summary>The model's own action: the clipped Gaussian mean, or the argmax of the logits.</summary>
    Deterministic,
    /// <summary>A sample from N(mean, exp(log_std)²) or Categorical(logits), seeded.</summary>
    Explore,
}
