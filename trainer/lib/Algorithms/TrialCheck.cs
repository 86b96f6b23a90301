namespace TrpoEdge.Trainer.Algorithms;

/// <summary>An extra condition a line-search trial must meet to be accepted, beyond the step's own
/// KL(π_old ‖ π_θ) ≤ δ and surrogate improvement: retraining bounds the KL to the policies that logged the data.
/// Called with the trial θ written into the host policy (the engine synchronised it), only for trials that already
/// pass the step's own conditions.</summary>
public delegate bool TrialCheck();
