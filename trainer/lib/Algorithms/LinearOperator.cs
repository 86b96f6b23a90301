using TrpoEdge.Trainer.Engines;

namespace TrpoEdge.Trainer.Algorithms;

/// <summary>v ↦ A·v for a symmetric positive definite A that is never formed (here: the damped Fisher matrix), over
/// one engine's vectors.</summary>
public delegate void LinearOperator(EngineVector v, EngineVector result);
