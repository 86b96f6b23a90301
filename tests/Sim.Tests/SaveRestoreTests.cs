namespace TrpoEdge.Sim.Tests;

/// <summary>Restoring a saved state and replaying the same actions reproduces observations and rewards bit
/// for bit — across episode ends (the generator is part of the state) and with delayed actions pending.</summary>
public sealed class SaveRestoreTests
{
    public static TheoryData<string> Envs => new()
    {
        "Pendulum-v1", "CartPole-v1", "Acrobot-v1", "MountainCarContinuous-v0", "rig:direct-drive", "rig:qube-servo-2",
        "rig:delayed", "randomized:direct-drive",
    };

    internal static IEnv Make(string id) => id switch
    {
        "rig:delayed" => new RigEnv(TestRigs.DirectDrive.WithOverride("delay_steps", 3).WithOverride("sensor.angle_noise_std", 0.01)),
        _ when id.StartsWith("rig:") => new RigEnv(RigSpec.Load(TestRigs.Path(id.Substring(4)))),
        _ when id.StartsWith("randomized:") => new RandomizedRigEnv(RigSpec.Load(TestRigs.Path(id.Substring(11)))),
        _ => EnvRegistry.Make(id),
    };

    private static float ActionFor(IEnv env, System.Random rng) => env.ActionSpace is Spaces.DiscreteSpace d
        ? rng.Next(d.N)
        : (float)(rng.NextDouble() * 2 - 1);

    private static (List<float> Obs, List<double> Rewards) Run(IEnv env, int steps, int seed)
    {
        var rng = new System.Random(seed);
        var obs = new float[env.ObservationSpace.FlatSize];
        var obsLog = new List<float>(); var rewards = new List<double>();
        for (int i = 0; i < steps; i++)
        {
            var r = env.Step([ActionFor(env, rng)], obs);
            obsLog.AddRange(obs); rewards.Add(r.Reward);
            if (r.Done)
            {
                env.Reset(null, obs);
                obsLog.AddRange(obs);
            }
        }
        return (obsLog, rewards);
    }

    [Theory]
    [MemberData(nameof(Envs))]
    public void Restoring_a_saved_state_replays_bit_for_bit_across_episode_boundaries(string id)
    {
        IEnv env = Make(id);
        var obs = new float[env.ObservationSpace.FlatSize];
        env.Reset(99, obs);
        Run(env, 37, 1);
        EnvState saved = env.SaveState();
        var first = Run(env, 1100, 2); // long enough to cross at least one time limit everywhere
        env.RestoreState(saved);
        var second = Run(env, 1100, 2);
        Assert.Equal(first.Obs, second.Obs);
        Assert.Equal(first.Rewards, second.Rewards);

        // Into a fresh instance too.
        IEnv other = Make(id);
        other.RestoreState(saved);
        var third = Run(other, 1100, 2);
        Assert.Equal(first.Obs, third.Obs);
        Assert.Equal(first.Rewards, third.Rewards);
    }

    [Fact]
    public void A_state_from_another_env_is_refused_by_name()
    {
        var state = new PendulumEnv().SaveState();
        var e = Assert.Throws<ArgumentException>(() => new CartPoleEnv().RestoreState(state));
        Assert.Contains("Pendulum-v1", e.Message);
    }

    [Fact]
    public void The_delay_buffer_is_part_of_the_state()
    {
        var env = new RigEnv(TestRigs.DirectDrive.WithOverride("delay_steps", 2));
        var obs = new float[3];
        env.Reset(1, obs);
        env.Step([0.7f], obs);
        env.Step([-0.2f], obs);
        var s = env.SaveState();
        Assert.Equal(6, s.Values.Count);
        Assert.Equal([(double)0.7f, (double)-0.2f], s.Values.Skip(4).ToArray()); // oldest first
    }
}
