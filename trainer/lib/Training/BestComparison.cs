namespace TrpoEdge.Trainer.Training;

/// <summary>The end of a run that kept its best policy: <paramref name="Best"/> replayed the final evaluation's episodes
/// (same count, same seeds) and scored <paramref name="ReturnMean"/> ± <paramref name="ReturnStd"/> there;
/// <paramref name="Chosen"/> when that beat the final policy, which is then what gets exported.
/// <paramref name="SameAsFinal"/>: the best file holds the final policy itself, so its figures are the final ones.</summary>
public sealed record BestComparison(BestPolicy Best, double ReturnMean, double ReturnStd, bool Chosen, bool SameAsFinal);
