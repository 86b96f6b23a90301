using TrpoEdge.Sim;

namespace TrpoEdge.Trainer.Training;

/// <summary>One moment of an evaluation episode: after its reset (<see cref="Step"/> 0, no action) or after a step,
/// with the environment action taken, its reward and the return so far. Valid only during the callback.</summary>
public readonly ref struct EvaluationFrame(int episode, int step, IEnv env, ReadOnlySpan<float> action, double reward, double episodeReturn)
{
    public int Episode { get; } = episode;
    public int Step { get; } = step;
    public IEnv Env { get; } = env;
    public ReadOnlySpan<float> Action { get; } = action;
    public double Reward { get; } = reward;
    public double Return { get; } = episodeReturn;
}
