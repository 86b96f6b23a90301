using TrpoEdge.Sim.Random;
using TrpoEdge.Sim;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Trainer.Tests.Vine;

/// <summary>A chain MDP for analytic Q-values: positions 0..Length, action 1 moves right and 0 left (floored at 0),
/// reaching Length terminates. Reward −1 − PositionCost·position (after the move) plus, when RewardNoise &gt; 0,
/// uniform noise from the environment's own generator — so a branch that did not restore the generator would
/// differ. Observation: position / Length.</summary>
internal sealed class ChainEnv : IEnv
{
    private Pcg64 _rng = new(0);
    private int _position, _steps;

    public int Length { get; init; } = 6;
    public int Start { get; init; }
    public double PositionCost { get; init; }
    public double RewardNoise { get; init; }
    public int MaxEpisodeSteps { get; init; } = 1000;

    public string Id => "Chain";
    public Space ObservationSpace => new BoxSpace([0f], [1f]);
    public Space ActionSpace => new DiscreteSpace(2);
    public double ControlPeriod => 1.0;
    public int Position => _position;

    public void Reset(ulong? seed, Span<float> observation)
    {
        if (seed is { } s) _rng = new Pcg64(s);
        _position = Start;
        _steps = 0;
        observation[0] = (float)_position / Length;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        _position = action[0] switch
        {
            1f => _position + 1,
            0f => Math.Max(0, _position - 1),
            var a => throw new ArgumentException($"Chain actions are 0 or 1; got {a}."),
        };
        _steps++;
        double reward = -1.0 - PositionCost * _position;
        if (RewardNoise > 0) reward += RewardNoise * (_rng.NextDouble() - 0.5);
        observation[0] = (float)_position / Length;
        bool terminated = _position >= Length;
        return new StepResult(reward, terminated, !terminated && _steps >= MaxEpisodeSteps);
    }

    public EnvState SaveState() => new(Id, [_position, _steps], _rng.State);

    public void RestoreState(EnvState state)
    {
        if (state.EnvId != Id) throw new ArgumentException($"A {state.EnvId} state cannot be restored into {Id}.");
        _position = (int)state.Values[0];
        _steps = (int)state.Values[1];
        _rng = new Pcg64(1) { State = state.Generator.ToArray() };
    }
}
