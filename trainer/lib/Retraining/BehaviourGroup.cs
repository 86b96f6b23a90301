using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>The logged episodes of one acting (behaviour) policy. <see cref="Lag"/> counts the accepted updates
/// between it and the checkpoint being retrained (0: the checkpoint's own policy, on-policy data).</summary>
public sealed record BehaviourGroup(ActingPolicy Policy, long Lag, bool IsCheckpoint)
{
    public int Episodes { get; set; }
    public int Steps { get; set; }
}
