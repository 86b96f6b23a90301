namespace TrpoEdge.Trainer.Algorithms;

/// <summary>v ↦ A·v for a symmetric positive definite A that is never formed (here: the damped Fisher matrix).</summary>
public delegate void LinearOperator(ReadOnlySpan<float> v, Span<float> result);
