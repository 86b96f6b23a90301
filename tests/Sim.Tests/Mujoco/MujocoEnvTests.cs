using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim.Tests.Mujoco;

/// <summary>Hopper-v4 and HalfCheetah-v4 against Gymnasium's equations, on the real MuJoCo 2.2.2 library: spaces,
/// reward terms recomputed from the simulator state, healthy-range edges, truncation, reset noise, save/restore and
/// vectorised autoreset, plus physics checks (free fall, energy) that would expose a wrong model or binding.</summary>
public sealed class MujocoEnvTests
{
    public static TheoryData<string> Ids => new() { HopperEnv.EnvId, HalfCheetahEnv.EnvId };

    private static MujocoEnv Make(string id) => (MujocoEnv)EnvRegistry.Make(id);

    private static void RandomAction(System.Random rng, Span<float> a, double scale = 1.0)
    {
        for (int i = 0; i < a.Length; i++) a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
    }

    [Fact]
    public void Spaces_timestep_and_initial_pose_are_gymnasiums()
    {
        using var hopper = new HopperEnv();
        var box = Assert.IsType<BoxSpace>(hopper.ObservationSpace);
        Assert.Equal(11, box.Dim);
        Assert.All(box.Low, v => Assert.Equal(float.NegativeInfinity, v));
        Assert.All(box.High, v => Assert.Equal(float.PositiveInfinity, v));
        Assert.Equal("Box(3)[-1,-1,-1;1,1,1]", hopper.ActionSpace.Describe());
        Assert.Equal(0.002 * 4, hopper.ControlPeriod);
        Assert.Equal(1000, hopper.MaxEpisodeSteps);
        Assert.Equal([0, 1.25, 0, 0, 0, 0], hopper.Model.Qpos0);
        // Masses from the geoms at MuJoCo's default density 1000: the torso capsule (r 0.05, 0.4 long) weighs
        // 1000·(π r² L + 4/3 π r³); the world body nothing; the bodies add up to the model's total.
        double r = 0.05, torso = 1000 * (Math.PI * r * r * 0.4 + 4.0 / 3 * Math.PI * r * r * r);
        Assert.Equal(0.0, hopper.Model.BodyMass[0]);
        Assert.Equal(torso, hopper.Model.BodyMass[1], 9);
        Assert.Equal(hopper.Model.TotalMass, hopper.Model.BodyMass.Sum(), 9);
        Assert.Equal(6, hopper.Model.Nv);

        using var cheetah = new HalfCheetahEnv();
        Assert.Equal(17, cheetah.ObservationSpace.FlatSize);
        Assert.Equal("Box(6)[-1,-1,-1,-1,-1,-1;1,1,1,1,1,1]", cheetah.ActionSpace.Describe());
        Assert.Equal(0.01 * 5, cheetah.ControlPeriod);
        Assert.Equal(new double[9], cheetah.Model.Qpos0);
        Assert.Equal(14.0, cheetah.Model.TotalMass, 12); // settotalmass="14"
        Assert.Equal([0, 0, -9.81], cheetah.Model.Gravity);
    }

    [Fact]
    public void Registry_ids_are_case_insensitive_and_listed()
    {
        Assert.Contains(HopperEnv.EnvId, EnvRegistry.Ids);
        Assert.Contains(HalfCheetahEnv.EnvId, EnvRegistry.Ids);
        Assert.IsType<HopperEnv>(EnvRegistry.Make("hopper-v4"));
        Assert.IsType<HalfCheetahEnv>(EnvRegistry.Make("HALFCHEETAH-V4"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Reward_observation_and_termination_follow_from_the_state_on_random_steps(string id)
    {
        using MujocoEnv env = Make(id);
        bool hopper = env is HopperEnv;
        var obs = new float[env.ObservationSize];
        var action = new float[env.ActionSpace.FlatSize];
        var rng = new System.Random(5);
        env.Reset(3, obs);
        int checkedSteps = 0, terminations = 0;
        for (int t = 0; t < 600; t++)
        {
            double xBefore = env.Qpos[0];
            RandomAction(rng, action, 1.3); // beyond ctrlrange too: the cost sees the raw action, MuJoCo clamps the force
            StepResult r = env.Step(action, obs);
            double[] q = env.Qpos.ToArray(), v = env.Qvel.ToArray();
            double xVelocity = (q[0] - xBefore) / env.Dt;
            double squares = action.Sum(a => (double)a * a);
            double expected = hopper
                ? 1.0 * xVelocity + 1.0 - 1e-3 * squares
                : 1.0 * xVelocity - 0.1 * squares;
            Assert.Equal(expected, r.Reward, 1e-6);
            Assert.Equal(q[0], env.LastInfo.XPosition);
            Assert.Equal(xVelocity, env.LastInfo.XVelocity, 1e-12);
            for (int i = 1; i < q.Length; i++) Assert.Equal((float)q[i], obs[i - 1]);
            for (int i = 0; i < v.Length; i++)
                Assert.Equal((float)(hopper ? Math.Clamp(v[i], -10, 10) : v[i]), obs[q.Length - 1 + i]);
            bool healthy = q.Skip(2).Concat(v).All(s => -100 < s && s < 100) && q[1] > 0.7 && -0.2 < q[2] && q[2] < 0.2;
            Assert.Equal(hopper && !healthy, r.Terminated);
            Assert.False(r.Truncated);
            checkedSteps++;
            if (r.Done) { terminations++; env.Reset(null, obs); }
        }
        Assert.Equal(600, checkedSteps);
        if (hopper) Assert.True(terminations > 5, $"random actions should topple the hopper repeatedly; it fell {terminations} times");
    }

    [Fact]
    public void The_control_cost_is_numpys_float32_sum_of_squares()
    {
        // Known answers from NumPy 1.24: 1e-3 * np.sum(np.square(np.array([0.1, 0.3, 0.7], dtype=np.float32))) and
        // 0.1 * the same over six values. NumPy sums float32 squares in order in float32 (below eight elements) and a
        // Python float times a float32 scalar is float64; summing in float64 would give 0.0005899999907612803.
        using var hopper = new HopperEnv();
        var obs = new float[11];
        hopper.Reset(0, obs);
        hopper.Step([0.1f, 0.3f, 0.7f], obs);
        Assert.Equal(0.0005899999737739563, hopper.LastInfo.ControlCost);

        using var cheetah = new HalfCheetahEnv();
        var obs2 = new float[17];
        cheetah.Reset(0, obs2);
        cheetah.Step([0.9f, -0.35f, 0.61f, 0.123f, -0.77f, 0.5f], obs2);
        Assert.Equal(0.21626288890838624, cheetah.LastInfo.ControlCost);
    }

    [Theory]
    [InlineData(1, 0.7, 0.0, false)]           // z must exceed 0.7 strictly
    [InlineData(1, 0.70000001, 0.0, true)]
    [InlineData(2, 1.25, 0.2, false)]          // angle inside (-0.2, 0.2) strictly
    [InlineData(2, 1.25, 0.19999, true)]
    [InlineData(2, 1.25, -0.2, false)]
    [InlineData(2, 1.25, -0.19999, true)]
    public void Hopper_health_edges(int which, double z, double angle, bool healthy)
    {
        using var env = new HopperEnv();
        double[] q = [0, z, angle, 0, 0, 0];
        _ = which;
        env.SetState(q, new double[6]);
        Assert.Equal(healthy, env.IsHealthy);
    }

    [Theory]
    [InlineData(3, 99.9, true)]
    [InlineData(3, 100.0, false)]   // |state_vector()[2:]| < 100: a joint angle of 100 is out
    [InlineData(6, -100.0, false)]  // qvel[0] (x velocity) counts too (index 6 = nq + 0)
    [InlineData(7, 100.0, false)]
    [InlineData(0, 1e6, true)]      // qpos[0] (x) is excluded
    [InlineData(1, 1e6, true)]      // ... and so is z's own entry in state_vector()[2:] (z has its own range)
    public void Hopper_state_range_edges(int index, double value, bool healthy)
    {
        using var env = new HopperEnv();
        double[] s = [0, 1.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        s[index] = value;
        env.SetState(s.AsSpan(0, 6), s.AsSpan(6, 6));
        Assert.Equal(healthy, env.IsHealthy);
    }

    [Fact]
    public void A_step_that_ends_unhealthy_terminates_and_still_pays_the_healthy_reward()
    {
        using var env = new HopperEnv();
        var obs = new float[11];
        env.Reset(0, obs);
        env.SetState([0, 1.25, 0.5, 0, 0, 0], new double[6]); // torso tilted past 0.2 rad
        StepResult r = env.Step(new float[3], obs);
        Assert.True(r.Terminated);
        Assert.False(r.Truncated);
        Assert.Equal(1.0, env.LastInfo.HealthyReward); // terminate_when_unhealthy=True: healthy_reward is always 1
        Assert.Equal(env.LastInfo.ForwardReward + 1.0, r.Reward, 1e-15);
    }

    [Fact]
    public void HalfCheetah_is_truncated_at_exactly_1000_steps_and_never_terminates()
    {
        using var env = new HalfCheetahEnv();
        var obs = new float[17];
        var action = new float[6];
        var rng = new System.Random(1);
        env.Reset(0, obs);
        for (int t = 1; t <= 1000; t++)
        {
            RandomAction(rng, action);
            StepResult r = env.Step(action, obs);
            Assert.False(r.Terminated);
            Assert.Equal(t == 1000, r.Truncated);
        }
        Assert.Equal(1000 * 0.05, env.Time, 9);
    }

    [Fact]
    public void Hopper_with_zero_torque_stays_healthy_for_a_second_then_topples_by_the_angle_rule()
    {
        // Measured, not assumed: Gymnasium's hopper is not statically stable. With zero torque its joints (damping 1,
        // no stiffness) give way slowly; it stays healthy for over a second, then the torso tilts past 0.2 rad while
        // z is still far above 0.7, on every seed tried.
        for (ulong seed = 0; seed < 5; seed++)
        {
            using var env = new HopperEnv();
            var obs = new float[11];
            env.Reset(seed, obs);
            int t = 0;
            StepResult r = default;
            while (t < 1000 && !(r = env.Step(new float[3], obs)).Terminated) t++;
            Assert.InRange(t, 125, 400);
            Assert.True(Math.Abs(env.Qpos[2]) >= 0.2, $"seed {seed}: angle {env.Qpos[2]}");
            Assert.True(env.Qpos[1] > 0.9, $"seed {seed}: z {env.Qpos[1]}");
        }
    }

    [Fact]
    public void Hopper_held_upright_by_a_pd_controller_stays_healthy_for_the_whole_episode()
    {
        // A scripted controller: joint PD towards the initial pose, plus torso-angle feedback through thigh and foot.
        // With the feedback's sign flipped it falls within 20 steps, so the test can fail.
        for (ulong seed = 0; seed < 3; seed++)
        {
            using var env = new HopperEnv();
            var obs = new float[11];
            var a = new float[3];
            env.Reset(seed, obs);
            double ret = 0;
            for (int t = 1; t <= 1000; t++)
            {
                PdStand(env.Qpos, env.Qvel, a);
                StepResult r = env.Step(a, obs);
                ret += r.Reward;
                Assert.False(r.Terminated, $"seed {seed} fell at step {t}: z {env.Qpos[1]}, angle {env.Qpos[2]}");
                Assert.Equal(t == 1000, r.Truncated);
            }
            Assert.InRange(env.Qpos[0], -0.5, 0.5);   // standing, not walking
            Assert.InRange(ret, 950, 1050);            // ~1 per step: healthy reward, little motion, little control cost
        }
    }

    internal static void PdStand(ReadOnlySpan<double> q, ReadOnlySpan<double> v, Span<float> a)
    {
        double angle = q[2], angleRate = v[2];
        // The joint axes are (0, -1, 0): a positive thigh/leg/foot angle bends the joint backwards.
        a[0] = (float)Math.Clamp(-(5 * q[3] + 0.5 * v[3]) - (8 * angle + 0.8 * angleRate), -1, 1);
        a[1] = (float)Math.Clamp(-(5 * q[4] + 0.5 * v[4]), -1, 1);
        a[2] = (float)Math.Clamp(-(5 * q[5] + 0.5 * v[5]) - (8 * angle + 0.8 * angleRate), -1, 1);
    }

    [Fact]
    public void Hopper_reset_is_init_qpos_plus_numpy_uniform_noise_drawn_qpos_first()
    {
        using var env = new HopperEnv();
        var obs = new float[11];
        env.Reset(42, obs);
        var rng = new Pcg64(42);
        double[] init = [0, 1.25, 0, 0, 0, 0];
        for (int i = 0; i < 6; i++) Assert.Equal(init[i] + rng.Uniform(-5e-3, 5e-3), env.Qpos[i]);
        for (int i = 0; i < 6; i++) Assert.Equal(rng.Uniform(-5e-3, 5e-3), env.Qvel[i]);
        Assert.Equal(0.0, env.Time);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Reset_noise_has_the_documented_mean_and_spread(string id)
    {
        // Hopper: U(-0.005, 0.005) on qpos and qvel (std 0.005/sqrt 3); HalfCheetah: U(-0.1, 0.1) on qpos (std
        // 0.1/sqrt 3) and 0.1·N(0, 1) on qvel (std 0.1). 2,000 resets: the standard error of the mean is std/45.
        using MujocoEnv env = Make(id);
        bool hopper = env is HopperEnv;
        double s = hopper ? 5e-3 : 0.1;
        int nq = env.Model.Nq, nv = env.Model.Nv;
        const int n = 2000;
        var obs = new float[env.ObservationSize];
        var sumQ = new double[nq]; var sumQ2 = new double[nq];
        var sumV = new double[nv]; var sumV2 = new double[nv];
        double maxAbsQ = 0;
        for (int k = 0; k < n; k++)
        {
            env.Reset(k == 0 ? 7UL : null, obs);
            for (int i = 0; i < nq; i++)
            {
                double d = env.Qpos[i] - env.Model.Qpos0[i];
                sumQ[i] += d; sumQ2[i] += d * d; maxAbsQ = Math.Max(maxAbsQ, Math.Abs(d));
            }
            for (int i = 0; i < nv; i++) { double d = env.Qvel[i]; sumV[i] += d; sumV2[i] += d * d; }
        }
        double stdQ = s / Math.Sqrt(3), stdV = hopper ? s / Math.Sqrt(3) : s;
        Assert.True(maxAbsQ <= s, $"uniform noise beyond ±{s}: {maxAbsQ}");
        for (int i = 0; i < nq; i++)
        {
            Assert.InRange(sumQ[i] / n, -4 * stdQ / Math.Sqrt(n), 4 * stdQ / Math.Sqrt(n));
            Assert.InRange(Math.Sqrt(sumQ2[i] / n), 0.93 * stdQ, 1.07 * stdQ);
        }
        for (int i = 0; i < nv; i++)
        {
            Assert.InRange(sumV[i] / n, -4 * stdV / Math.Sqrt(n), 4 * stdV / Math.Sqrt(n));
            Assert.InRange(Math.Sqrt(sumV2[i] / n), 0.93 * stdV, 1.07 * stdV);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Restoring_a_saved_state_replays_bit_for_bit_across_resets_into_the_same_or_a_fresh_env(string id)
    {
        using MujocoEnv env = Make(id);
        var obs = new float[env.ObservationSize];
        env.Reset(11, obs);
        Run(env, 57, 1);
        EnvState saved = env.SaveState();
        var first = Run(env, 1200, 2); // crosses at least one episode end (truncation or a fall)
        env.RestoreState(saved);
        var second = Run(env, 1200, 2);
        Assert.Equal(first.Obs, second.Obs);
        Assert.Equal(first.Rewards, second.Rewards);
        Assert.True(first.Ends >= 1);

        using MujocoEnv other = Make(id);
        other.RestoreState(saved);
        var third = Run(other, 1200, 2);
        Assert.Equal(first.Obs, third.Obs);
        Assert.Equal(first.Rewards, third.Rewards);

        Assert.Throws<ArgumentException>(() => env.RestoreState(new EnvState("Pendulum-v1", [0, 0, 0, 1], new Pcg64(0).State)));
    }

    private static (List<float> Obs, List<double> Rewards, int Ends) Run(MujocoEnv env, int steps, int seed)
    {
        var rng = new System.Random(seed);
        var obs = new float[env.ObservationSize];
        var action = new float[env.ActionSpace.FlatSize];
        var obsLog = new List<float>(); var rewards = new List<double>();
        int ends = 0;
        for (int i = 0; i < steps; i++)
        {
            RandomAction(rng, action);
            StepResult r = env.Step(action, obs);
            obsLog.AddRange(obs); rewards.Add(r.Reward);
            if (r.Done) { ends++; env.Reset(null, obs); obsLog.AddRange(obs); }
        }
        return (obsLog, rewards, ends);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void VectorEnv_steps_hoppers_like_single_envs_with_same_step_autoreset(int threads)
    {
        const int n = 3;
        using var vec = new VectorEnv(_ => new HopperEnv(), n, threads);
        var singles = Enumerable.Range(0, n).Select(_ => new HopperEnv()).ToArray();
        var obs = new float[n * 11]; var final = new float[n * 11];
        var rew = new double[n]; var term = new bool[n]; var trunc = new bool[n];
        vec.Reset(20, obs);
        var so = new float[11]; var sf = new float[11];
        for (int i = 0; i < n; i++)
        {
            singles[i].Reset(20 + (ulong)i, so);
            Assert.Equal(so, obs.AsSpan(11 * i, 11).ToArray());
        }
        var rng = new System.Random(9);
        var actions = new float[n * 3];
        int resets = 0;
        for (int t = 0; t < 400; t++)
        {
            RandomAction(rng, actions);
            vec.Step(actions, obs, rew, term, trunc, final);
            for (int i = 0; i < n; i++)
            {
                StepResult r = singles[i].Step(actions.AsSpan(3 * i, 3), sf);
                Assert.Equal(r.Reward, rew[i]);
                Assert.Equal(r.Terminated, term[i]);
                Assert.Equal(r.Truncated, trunc[i]);
                Assert.Equal(sf, final.AsSpan(11 * i, 11).ToArray());
                if (r.Done)
                {
                    resets++;
                    singles[i].Reset(null, so);
                    Assert.Equal(so, obs.AsSpan(11 * i, 11).ToArray());
                }
                else Assert.Equal(sf, obs.AsSpan(11 * i, 11).ToArray());
            }
        }
        Assert.True(resets >= 3, $"random actions should end several episodes; {resets} ended");
        foreach (var s in singles) s.Dispose();
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void A_body_lifted_clear_of_the_floor_falls_freely_as_one_rigid_body(string id)
    {
        // No contact, no torque, zero joint velocities: every body accelerates at g, so the joints never move
        // (armature and damping only resist joint motion) and the root falls by exactly what the integrator gives
        // for a constant acceleration: RK4 (Hopper) integrates z0 − g t²/2 exactly; MuJoCo's semi-implicit Euler
        // (HalfCheetah) gives z0 − g h² N(N+1)/2 after N steps of h. A wrong gravity, mass model or time step fails.
        using MujocoEnv env = Make(id);
        bool hopper = env is HopperEnv;
        var obs = new float[env.ObservationSize];
        env.Reset(0, obs);
        var q = env.Model.Qpos0.ToArray();
        double z0 = 3.0;
        q[1] = z0;
        env.SetState(q, new double[env.Model.Nv]);
        int steps = hopper ? 50 : 10; // 0.4 s and 0.5 s
        for (int t = 0; t < steps; t++) env.Step(new float[env.ActionSpace.FlatSize], obs);
        double h = env.Model.Timestep, time = steps * env.Dt;
        int n = steps * env.FrameSkip;
        double expectedZ = hopper ? z0 - 0.5 * 9.81 * time * time : z0 - 9.81 * h * h * n * (n + 1) / 2.0;
        Assert.Equal(expectedZ, env.Qpos[1], 1e-9);
        Assert.Equal(-9.81 * time, env.Qvel[1], 1e-9);
        Assert.True(env.Qpos[1] > 1.0, "still clear of the floor");
        Assert.Equal(0.0, env.Qpos[0], 1e-12);
        for (int i = 2; i < env.Model.Nq; i++) Assert.Equal(0.0, env.Qpos[i], 1e-9);
    }

    [Fact]
    public void A_wrong_sized_or_non_finite_action_is_refused_before_anything_moves()
    {
        using var env = new HopperEnv();
        var obs = new float[11];
        Assert.Throws<InvalidOperationException>(() => env.Step(new float[3], obs)); // before Reset
        env.Reset(0, obs);
        EnvState before = env.SaveState();
        var e1 = Assert.Throws<ArgumentException>(() => env.Step(new float[2], obs));
        Assert.Contains("3 floats", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => env.Step([0f, float.NaN, 0f], obs));
        Assert.Contains("action[1]", e2.Message);
        Assert.Equal(before.Values, env.SaveState().Values);
        env.Dispose();
        Assert.Throws<ObjectDisposedException>(() => env.Reset(0, obs));
        Assert.Throws<ObjectDisposedException>(() => env.Qpos[0]);
        Assert.Throws<ObjectDisposedException>(() => env.SaveState());
    }
}
