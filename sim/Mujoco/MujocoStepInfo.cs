namespace TrpoEdge.Sim;

/// <summary>The terms of the last MuJoCo step, named as in Gymnasium's <c>info</c> dict: the torso's x after the
/// step, its velocity over the step, and the reward terms (<c>reward = forward + healthy − control cost</c>).</summary>
public readonly record struct MujocoStepInfo(double XPosition, double XVelocity, double ForwardReward, double HealthyReward, double ControlCost);
