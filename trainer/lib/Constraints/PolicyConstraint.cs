namespace TrpoEdge.Trainer.Constraints;

/// <summary>How the policy step keeps the new policy near the old one.</summary>
public enum PolicyConstraint
{
    /// <summary>TRPO's hard constraint: mean KL ≤ δ, enforced by the natural-gradient step and a reverting line
    /// search. The default.</summary>
    TrustRegion,

    /// <summary>The simplification: maximise L(θ) − β·KL with Adam for several epochs, adapting β towards KL ≈ δ.</summary>
    Penalty,
}
