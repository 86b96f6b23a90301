namespace TrpoEdge.Sim.Tests;

/// <summary>Time limits, termination bookkeeping and reset distributions.</summary>
public sealed class EpisodeTests
{
    [Theory]
    [InlineData("Pendulum-v1", 200)]
    [InlineData("CartPole-v1", 500)]
    [InlineData("Acrobot-v1", 500)]
    [InlineData("MountainCarContinuous-v0", 999)]
    public void Each_env_truncates_exactly_at_its_time_limit_and_not_one_step_earlier(string id, int limit)
    {
        IEnv env = EnvRegistry.Make(id);
        Assert.Equal(limit, env.MaxEpisodeSteps);
        var obs = new float[env.ObservationSpace.FlatSize];
        env.Reset(3, obs);
        EnvState s = env.SaveState();
        var values = s.Values.ToArray();
        int counter = id switch { "CartPole-v1" => 4, "Acrobot-v1" => 4, _ => 2 };
        values[counter] = limit - 2;
        env.RestoreState(new EnvState(s.EnvId, values, s.Generator.ToArray()));
        float[] action = [id == "CartPole-v1" ? 1f : id == "Acrobot-v1" ? 1f : 0f];
        Assert.False(env.Step(action, obs).Truncated);
        Assert.True(env.Step(action, obs).Truncated);
    }

    [Fact]
    public void CartPole_pays_one_on_the_terminal_step_and_zero_for_steps_taken_after_it()
    {
        var env = new CartPoleEnv();
        env.SetState(2.399, 1.0, 0, 0);
        var obs = new float[4];
        var first = env.Step([1f], obs);
        Assert.True(first.Terminated);
        Assert.Equal(1.0, first.Reward);
        var second = env.Step([1f], obs);
        Assert.True(second.Terminated);
        Assert.Equal(0.0, second.Reward);
    }

    [Fact]
    public void Pendulum_never_terminates_so_its_only_end_is_truncation()
    {
        var env = new PendulumEnv();
        var obs = new float[3];
        env.Reset(11, obs);
        for (int i = 1; i <= 200; i++)
        {
            var r = env.Step([2f], obs);
            Assert.False(r.Terminated);
            Assert.Equal(i == 200, r.Truncated);
            Assert.True(r.Reward <= 0 && r.Reward >= -16.2736044);
        }
    }

    [Fact]
    public void Resets_draw_from_gymnasiums_ranges_and_cover_them()
    {
        var p = new PendulumEnv(); var c = new CartPoleEnv(); var a = new AcrobotEnv(); var m = new MountainCarContinuousEnv();
        var o3 = new float[3]; var o4 = new float[4]; var o6 = new float[6]; var o2 = new float[2];
        double thMin = 9, thMax = -9, cMin = 9, cMax = -9, pMin = 9, pMax = -9;
        p.Reset(1, o3); c.Reset(1, o4); a.Reset(1, o6); m.Reset(1, o2);
        for (int i = 0; i < 3000; i++)
        {
            p.Reset(null, o3); c.Reset(null, o4); a.Reset(null, o6); m.Reset(null, o2);
            Assert.InRange(p.Theta, -Math.PI, Math.PI); Assert.InRange(p.ThetaDot, -1.0, 1.0);
            thMin = Math.Min(thMin, p.Theta); thMax = Math.Max(thMax, p.Theta);
            var cs = c.State;
            foreach (double v in new[] { cs.X, cs.XDot, cs.Theta, cs.ThetaDot }) Assert.InRange(v, -0.05, 0.05);
            cMin = Math.Min(cMin, cs.X); cMax = Math.Max(cMax, cs.X);
            var s = a.State;
            foreach (double v in new[] { s.Theta1, s.Theta2, s.Dtheta1, s.Dtheta2 })
            {
                Assert.InRange(v, -0.1, 0.1);
                Assert.Equal(v, (double)(float)v); // the reset state is float32-rounded
            }
            Assert.InRange(m.State.Position, -0.6, -0.4);
            Assert.Equal(0.0, m.State.Velocity);
            pMin = Math.Min(pMin, m.State.Position); pMax = Math.Max(pMax, m.State.Position);
        }
        Assert.True(thMin < -3.0 && thMax > 3.0, $"Pendulum θ range seen [{thMin}, {thMax}]");
        Assert.True(cMin < -0.048 && cMax > 0.048);
        Assert.True(pMin < -0.59 && pMax > -0.41);
    }

    [Theory]
    [InlineData("Pendulum-v1")]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCarContinuous-v0")]
    public void The_same_seed_gives_the_same_first_observation_and_another_seed_a_different_one(string id)
    {
        IEnv a = EnvRegistry.Make(id), b = EnvRegistry.Make(id);
        var oa = new float[a.ObservationSpace.FlatSize]; var ob = new float[oa.Length];
        a.Reset(42, oa); b.Reset(42, ob);
        Assert.Equal(oa, ob);
        b.Reset(43, ob);
        Assert.NotEqual(oa, ob);
    }

    [Fact]
    public void Stepping_before_reset_is_refused_with_a_hint()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new PendulumEnv().Step([0f], new float[3]));
        Assert.Contains("Reset", e.Message);
    }
}
