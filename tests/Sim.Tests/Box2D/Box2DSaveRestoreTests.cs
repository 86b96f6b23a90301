using TrpoEdge.Sim.Box2D;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>Save, step on, restore (into the same and into a fresh environment), step again: the same bits, across
/// episode ends; and the states carry what they need and refuse the wrong target.</summary>
public sealed class Box2DSaveRestoreTests
{
    public static TheoryData<string> Ids => new() { "LunarLander-v2", "LunarLanderContinuous-v2", "BipedalWalker-v3", "wind" };

    private static IEnv Make(string id) => id == "wind" ? new LunarLanderEnv(continuous: true, enableWind: true) : EnvRegistry.Make(id);

    private static (List<float> Obs, List<double> Rewards, List<bool> Done) Run(IEnv env, int steps, ulong seed)
    {
        var rng = new Pcg64(seed);
        var obs = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace is DiscreteSpace ? 1 : env.ActionSpace.FlatSize];
        var log = (Obs: new List<float>(), Rewards: new List<double>(), Done: new List<bool>());
        for (int i = 0; i < steps; i++)
        {
            if (env.ActionSpace is DiscreteSpace d) action[0] = rng.NextInclusive(0, d.N - 1);
            else for (int j = 0; j < action.Length; j++) action[j] = (float)rng.Uniform(-1, 1);
            StepResult r = env.Step(action, obs);
            log.Obs.AddRange(obs);
            log.Rewards.Add(r.Reward);
            log.Done.Add(r.Done);
            if (r.Done)
            {
                env.Reset(null, obs);
                log.Obs.AddRange(obs);
            }
        }
        return log;
    }

    [RequiresBox2DTheory]
    [MemberData(nameof(Ids))]
    public void Restoring_replays_bit_for_bit_in_the_same_and_in_a_fresh_environment(string id)
    {
        IEnv env = Make(id);
        var obs = new float[env.ObservationSpace.FlatSize];
        env.Reset(5, obs);
        Run(env, 57, 1);
        EnvState saved = env.SaveState();
        var first = Run(env, 400, 2);
        Assert.Contains(true, first.Done); // random actions end episodes: the replay crosses a reset

        env.RestoreState(saved);
        var second = Run(env, 400, 2);
        Assert.Equal(first.Obs, second.Obs);
        Assert.Equal(first.Rewards, second.Rewards);

        IEnv other = Make(id);
        other.RestoreState(saved);
        var third = Run(other, 400, 2);
        Assert.Equal(first.Obs, third.Obs);
        Assert.Equal(first.Rewards, third.Rewards);
    }

    [RequiresBox2DFact]
    public void A_restored_state_reproduces_the_observation_the_saved_env_had()
    {
        var env = new BipedalWalkerEnv();
        var obs = new float[24];
        env.Reset(3, obs);
        Run(env, 120, 9);
        var before = new float[24];
        var a = new float[] { 0.3f, -0.2f, 0.1f, 0.9f };
        EnvState saved = env.SaveState();
        env.Step(a, before);
        var other = new BipedalWalkerEnv();
        other.RestoreState(saved);
        var after = new float[24];
        other.Step(a, after);
        Assert.Equal(before, after);
        Assert.Equal(env.Elapsed, other.Elapsed);
    }

    [RequiresBox2DFact]
    public void A_never_reset_state_restores_to_a_never_reset_env_with_the_same_generator()
    {
        var env = new LunarLanderEnv();
        var obs = new float[8];
        EnvState blank = new LunarLanderEnv().SaveState();
        env.Reset(4, obs);
        env.RestoreState(blank);
        Assert.Throws<InvalidOperationException>(() => env.Step([0f], obs));
        env.Reset(null, obs);
        var fresh = new LunarLanderEnv();
        var freshObs = new float[8];
        fresh.Reset(null, freshObs);
        Assert.Equal(freshObs, obs);
    }

    [RequiresBox2DFact]
    public void States_are_refused_by_other_environments_and_other_options()
    {
        var lander = new LunarLanderEnv();
        lander.Reset(1, new float[8]);
        EnvState state = lander.SaveState();
        Assert.Contains("LunarLander-v2", Assert.Throws<ArgumentException>(() => new BipedalWalkerEnv().RestoreState(state)).Message);
        var windy = new LunarLanderEnv(enableWind: true);
        Assert.Contains("other options", Assert.Throws<ArgumentException>(() => windy.RestoreState(state)).Message);
    }
}
