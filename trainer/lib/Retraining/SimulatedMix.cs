using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Rollouts;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Fresh on-policy simulated rollouts mixed into each retrain update (`--sim-steps N`), so the policy keeps
/// what it knew in simulation while it adapts to the field.</summary>
public sealed class SimulatedMix : IDisposable
{
    private readonly VectorEnv _envs;
    private readonly RolloutCollector _collector;
    private readonly RolloutBuffer _buffer;
    private readonly Agent _agent;

    public SimulatedMix(Agent agent, Func<IEnv> factory, int steps, ulong seed)
    {
        _agent = agent;
        int envs = Math.Clamp(steps / 200, 1, 16);
        int perEnv = (steps + envs - 1) / envs;
        _envs = new VectorEnv(_ => factory(), envs);
        _collector = new RolloutCollector(_envs, agent.Policy, agent.Normalizer, seed * 7919UL + 17);
        _buffer = new RolloutBuffer(envs, perEnv, _envs.ObsSize, agent.Policy.ActionSize);
    }

    public long StepsTaken { get; private set; }

    public RolloutBuffer Collect(ValueFunction critic, TrpoOptions options)
    {
        _collector.Collect(_buffer);
        _collector.ComputeAdvantages(_buffer, critic, options);
        StepsTaken += _buffer.Count;
        return _buffer;
    }

    public void Dispose() => _envs.Dispose();
}
