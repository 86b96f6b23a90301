namespace TrpoEdge.Trainer.Algorithms;

/// <summary>An extra condition a line-search trial must meet to be accepted, beyond the step's own
/// KL(π_old ‖ π_θ) ≤ δ and surrogate improvement: retraining bounds the KL to the policies that logged the data.
/// <paramref name="outputs"/> are the trial policy's distribution parameters on the batch and
/// <paramref name="logProb"/> its log-probabilities of the batch's actions (both valid only during the call).</summary>
public delegate bool TrialCheck(ReadOnlySpan<float> outputs, ReadOnlySpan<double> logProb);
