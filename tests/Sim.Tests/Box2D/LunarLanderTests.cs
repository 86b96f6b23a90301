using TrpoEdge.Sim.Box2D;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>LunarLander against Gymnasium's equations: the terrain from the generator's first twelve draws, the
/// reward recomputed from the state, the termination rules and the time limit.</summary>
public sealed class LunarLanderTests
{
    private const double W = 600 / 30.0, H = 400 / 30.0;

    [RequiresBox2DFact]
    public void Spaces_are_gymnasiums()
    {
        var discrete = new LunarLanderEnv();
        var continuous = new LunarLanderEnv(continuous: true);
        Assert.Equal("LunarLander-v2", discrete.Id);
        Assert.Equal("LunarLanderContinuous-v2", continuous.Id);
        Assert.Equal(4, Assert.IsType<DiscreteSpace>(discrete.ActionSpace).N);
        var box = Assert.IsType<BoxSpace>(continuous.ActionSpace);
        Assert.Equal([-1f, -1f], box.Low.ToArray());
        Assert.Equal([1f, 1f], box.High.ToArray());
        var obs = Assert.IsType<BoxSpace>(discrete.ObservationSpace);
        Assert.Equal([-1.5f, -1.5f, -5f, -5f, -(float)Math.PI, -5f, -0f, -0f], obs.Low.ToArray());
        Assert.Equal([1.5f, 1.5f, 5f, 5f, (float)Math.PI, 5f, 1f, 1f], obs.High.ToArray());
        Assert.Equal(1000, discrete.MaxEpisodeSteps);
        Assert.Equal(0.02, discrete.ControlPeriod);
    }

    [RequiresBox2DTheory]
    [InlineData(0UL)]
    [InlineData(7UL)]
    [InlineData(123456789UL)]
    public void Terrain_is_twelve_uniform_heights_with_the_pad_flattened_and_smoothed(ulong seed)
    {
        var env = new LunarLanderEnv();
        env.Reset(seed, new float[8]);
        var rng = new Pcg64(seed);
        var height = new double[12];
        for (int i = 0; i < 12; i++) height[i] = 0 + (H / 2 - 0) * rng.NextDouble();
        for (int i = 3; i <= 7; i++) height[i] = H / 4;
        for (int i = 0; i < 11; i++)
        {
            double expected = 0.33 * (height[(i + 11) % 12] + height[i] + height[i + 1]);
            Assert.Equal(expected, env.TerrainY[i]);
        }
        Assert.Equal(W / 10 * 4, env.HelipadX1);
        Assert.Equal(W / 10 * 6, env.HelipadX2);
        Assert.Equal(H / 4, env.HelipadY);
    }

    [RequiresBox2DFact]
    public void Reset_starts_at_the_top_centre_with_a_random_push_and_reproduces_per_seed()
    {
        var vx = new List<float>();
        for (ulong seed = 0; seed < 60; seed++)
        {
            var env = new LunarLanderEnv();
            var obs = new float[8];
            env.Reset(seed, obs);
            // One no-op step from (W/2, H): x within a few mm of the centre, y about (H - (H/4 + 0.6)) / (H/2).
            Assert.InRange(obs[0], -0.01f, 0.01f);
            Assert.InRange(obs[1], 1.35f, 1.45f);
            Assert.Equal(0f, obs[6]);
            Assert.Equal(0f, obs[7]);
            vx.Add(obs[2]);
            var again = new float[8];
            env.Reset(seed, again);
            Assert.Equal(obs, again);
        }
        // The push is uniform in ±1000 N: both signs occur and the spread is wide.
        Assert.Contains(vx, v => v > 0.05f);
        Assert.Contains(vx, v => v < -0.05f);
    }

    [RequiresBox2DTheory]
    [InlineData(false, 1UL)]
    [InlineData(true, 2UL)]
    public void Reward_is_the_shaping_difference_minus_fuel_on_random_steps(bool continuous, ulong seed)
    {
        var env = new LunarLanderEnv(continuous);
        var obs = new float[8];
        var action = new float[continuous ? 2 : 1];
        var rng = new Pcg64(seed + 100);
        int checkedSteps = 0, terminals = 0;
        for (int episode = 0; episode < 6; episode++)
        {
            env.Reset(seed * 10 + (ulong)episode, obs);
            double prev = Shaping(env);
            Assert.Equal(prev, env.PrevShaping);
            for (int t = 0; t < 1000; t++)
            {
                if (continuous) { action[0] = (float)rng.Uniform(-1, 1); action[1] = (float)rng.Uniform(-1, 1); }
                else action[0] = rng.NextInclusive(0, 3);
                StepResult r = env.Step(action, obs);
                double shaping = Shaping(env);
                double m = continuous ? (action[0] > 0 ? (Math.Min(action[0], 1.0) + 1.0) * 0.5 : 0) : (action[0] == 2 ? 1 : 0);
                double s = continuous ? (Math.Abs(action[1]) > 0.5 ? Math.Min(Math.Abs((double)action[1]), 1.0) : 0) : (action[0] is 1 or 3 ? 1 : 0);
                if (r.Terminated)
                {
                    // Crash or out of bounds: -100; at rest: +100 (checked last, so it wins).
                    BodyState lander = env.Lander;
                    double expected = !lander.Awake ? 100 : -100;
                    Assert.Equal(expected, r.Reward);
                    Assert.True(!lander.Awake || Math.Abs(obs[0]) >= 1f || LanderTouchedGround(env));
                    terminals++;
                    break;
                }
                Assert.Equal(shaping - prev - m * 0.30 - s * 0.03, r.Reward, 12);
                Assert.Equal(t + 1 >= 1000, r.Truncated);
                prev = shaping;
                checkedSteps++;
            }
        }
        Assert.True(checkedSteps > 300, $"only {checkedSteps} steps were checked");
        Assert.True(terminals >= 3);
    }

    private static bool LanderTouchedGround(LunarLanderEnv env) => env.Lander.Y < 10; // the body is near the ground when it crashes

    /// <summary>-100·|position| - 100·|velocity| - 100·|angle| + 10 per leg, from the env's float32 Box2D state.</summary>
    private static double Shaping(LunarLanderEnv env)
    {
        BodyState b = env.Lander;
        double s0 = (b.X - W / 2) / (W / 2), s1 = (b.Y - (H / 4 + 18 / 30.0)) / (H / 2);
        double s2 = b.Vx * (W / 2) / 50, s3 = b.Vy * (H / 2) / 50;
        double legs = (env.Leg(0).InContact ? 10 : 0) + (env.Leg(1).InContact ? 10 : 0);
        return -100 * Math.Sqrt(s0 * s0 + s1 * s1) - 100 * Math.Sqrt(s2 * s2 + s3 * s3) - 100 * Math.Abs((double)b.Angle) + legs;
    }

    [RequiresBox2DTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Heuristic_lands_between_the_flags_and_terminates_at_rest_with_the_bonus(bool continuous)
    {
        for (ulong seed = 0; seed < 5; seed++)
        {
            var env = new LunarLanderEnv(continuous);
            var obs = new float[8];
            var action = new float[continuous ? 2 : 1];
            env.Reset(seed, obs);
            double total = 0;
            StepResult r = default;
            int steps = 0;
            while (!r.Done)
            {
                LunarLanderHeuristic.Act(obs, continuous, action);
                r = env.Step(action, obs);
                total += r.Reward;
                steps++;
            }
            Assert.True(r.Terminated, $"seed {seed}: truncated after {steps} steps instead of landing");
            Assert.False(r.Truncated);
            Assert.Equal(100, r.Reward);
            Assert.False(env.Lander.Awake);
            // A leg's contact flag is cleared when any of its contacts ends (Gymnasium's detector keeps a flag, not a
            // count), so a leg resting across two terrain edges can read 0; at least one leg reports the ground.
            Assert.True(obs[6] + obs[7] >= 1f, $"seed {seed}: legs {obs[6]}, {obs[7]}");
            // Between the flags: x in [HelipadX1, HelipadX2] = observation x in [-0.2, 0.2].
            Assert.InRange(env.Lander.X, env.HelipadX1, env.HelipadX2);
            Assert.True(total > 200, $"seed {seed}: return {total}");
        }
    }

    [RequiresBox2DFact]
    public void Hovering_above_the_pad_is_truncated_at_exactly_1000_steps()
    {
        var env = new LunarLanderEnv(continuous: true);
        var obs = new float[8];
        var action = new float[2];
        env.Reset(3, obs);
        for (int t = 1; t <= 1000; t++)
        {
            var target = (float[])obs.Clone();
            target[1] -= 0.5f; // the heuristic aims half a screen higher, so it never touches down
            LunarLanderHeuristic.Act(target, true, action);
            StepResult r = env.Step(action, obs);
            Assert.False(r.Terminated, $"terminated at step {t}");
            Assert.Equal(t == 1000, r.Truncated);
        }
    }

    [RequiresBox2DFact]
    public void Free_fall_crashes_with_minus_100()
    {
        int crashes = 0;
        for (ulong seed = 0; seed < 5; seed++)
        {
            var env = new LunarLanderEnv();
            var obs = new float[8];
            env.Reset(seed, obs);
            StepResult r = default;
            int t = 0;
            while (!r.Done) { r = env.Step([0f], obs); t++; }
            Assert.True(r.Terminated);
            if (r.Reward == -100) crashes++;
            Assert.True(t < 200, $"seed {seed} fell for {t} steps");
        }
        Assert.True(crashes >= 4, $"{crashes} of 5 free falls crashed");
    }

    [RequiresBox2DFact]
    public void Flying_sideways_out_of_the_viewport_terminates_with_minus_100()
    {
        var env = new LunarLanderEnv(continuous: true);
        var obs = new float[8];
        env.Reset(0, obs);
        StepResult r = default;
        var action = new float[2];
        for (int t = 0; t < 1000 && !r.Done; t++)
        {
            // Tilt right to 0.5 rad with the side engines, then hold it and burn the main engine: the lander drifts right.
            double angleTodo = (-0.5 - obs[4]) * 0.5 - obs[5];
            action[0] = obs[1] < 1.0f ? 1f : 0f;
            action[1] = (float)Math.Clamp(-angleTodo * 20, -1, 1);
            r = env.Step(action, obs);
        }
        Assert.True(r.Terminated);
        Assert.Equal(-100, r.Reward);
        Assert.True(Math.Abs(obs[0]) >= 1f, $"x = {obs[0]}");
    }

    [RequiresBox2DFact]
    public void Wind_indices_come_from_the_episode_generator_and_advance_only_in_the_air()
    {
        var env = new LunarLanderEnv(enableWind: true);
        var obs = new float[8];
        env.Reset(11, obs);
        // Reset draws 12 terrain heights, 2 force components, then the two indices, then the no-op step's dispersion.
        var rng = new Pcg64(11);
        for (int i = 0; i < 14; i++) rng.NextDouble();
        var integers = new NumPyIntegers(rng);
        long wind = integers.Next(-9999, 9999), torque = integers.Next(-9999, 9999);
        Assert.Equal((wind + 1, torque + 1), env.WindIndices); // the reset's no-op step blew once
        var calm = new LunarLanderEnv();
        var calmObs = new float[8];
        calm.Reset(11, calmObs);
        env.Step([0f], obs);
        calm.Step([0f], calmObs);
        Assert.NotEqual(calmObs[2], obs[2]); // the wind pushed sideways
        Assert.Equal((wind + 2, torque + 2), env.WindIndices);
    }

    [RequiresBox2DFact]
    public void Bad_actions_are_refused_before_anything_moves()
    {
        var env = new LunarLanderEnv();
        var obs = new float[8];
        Assert.Throws<InvalidOperationException>(() => env.Step([0f], obs));
        env.Reset(0, obs);
        EnvState before = env.SaveState();
        Assert.Contains("[0, 3]", Assert.Throws<ArgumentException>(() => env.Step([4f], obs)).Message);
        Assert.Throws<ArgumentException>(() => env.Step([1.5f], obs));
        var cont = new LunarLanderEnv(continuous: true);
        cont.Reset(0, obs);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => cont.Step([float.NaN, 0f], obs)).Message);
        Assert.Throws<ArgumentException>(() => cont.Step([0f], obs));
        Assert.Equal(before.Values, env.SaveState().Values);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LunarLanderEnv(gravity: -12.5));
    }
}
