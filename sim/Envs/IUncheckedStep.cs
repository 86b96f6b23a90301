namespace TrpoEdge.Sim.Envs;

/// <summary>A built-in env's step without argument checks, for <see cref="VectorEnv"/>, which validates a
/// whole batch of actions up front. The action is the single float the env's action space carries.</summary>
internal interface IUncheckedStep
{
    StepResult StepUnchecked(float action, Span<float> observation);
}
