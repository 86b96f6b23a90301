using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Trainer.Constraints;

/// <summary>What the KL-penalty step carries from one update to the next — β and its Adam moments — as saved in
/// the checkpoint (metadata <c>penalty_beta</c>, tensors <c>policy_optim.*</c>).</summary>
public sealed record KlPenaltyState(double Beta, AdamState Optimizer);
