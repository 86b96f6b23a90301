namespace TrpoEdge.Sim.Tests;

public sealed class VectorEnvTests
{
    private static (float[] Obs, double[] Rew, bool[] Term, bool[] Trunc, float[] Final) Buffers(VectorEnv v) =>
        (new float[v.Count * v.ObsSize], new double[v.Count], new bool[v.Count], new bool[v.Count], new float[v.Count * v.ObsSize]);

    [Fact]
    public void Env_i_is_reset_with_seed_plus_i_and_exposes_the_shared_spaces()
    {
        using var vec = new VectorEnv(_ => new PendulumEnv(), 3, threads: 1);
        Assert.Equal(3, vec.Count);
        Assert.Equal(3, vec.ObsSize);
        Assert.Equal(1, vec.ActSize);
        Assert.Equal("Box(1)[-2;2]", vec.ActionSpace.Describe());
        var obs = new float[9];
        vec.Reset(100, obs);
        for (int i = 0; i < 3; i++)
        {
            var single = new float[3];
            new PendulumEnv().Reset(100 + (ulong)i, single);
            Assert.Equal(single, obs.AsSpan(3 * i, 3).ToArray());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_truncated_pendulum_is_reset_in_the_same_step_with_its_last_observation_in_finalObs(int threads)
    {
        using var vec = new VectorEnv(_ => new PendulumEnv(), 4, threads);
        var singles = Enumerable.Range(0, 4).Select(_ => new PendulumEnv()).ToArray();
        var (obs, rew, term, trunc, final) = Buffers(vec);
        vec.Reset(7, obs);
        var so = new float[3];
        for (int i = 0; i < 4; i++) singles[i].Reset(7 + (ulong)i, so);
        var actions = new float[4];
        for (int t = 1; t <= 201; t++)
        {
            for (int i = 0; i < 4; i++) actions[i] = (float)Math.Sin(t * 0.1 + i);
            vec.Step(actions, obs, rew, term, trunc, final);
            for (int i = 0; i < 4; i++)
            {
                var r = singles[i].Step([actions[i]], so);
                Assert.Equal(r.Reward, rew[i]);
                Assert.False(term[i]);
                Assert.Equal(t == 200, trunc[i]);
                Assert.Equal(so, final.AsSpan(3 * i, 3).ToArray()); // finalObs: what the step produced
                if (r.Truncated) singles[i].Reset(null, so);   // same stream: the env's own generator continues
                Assert.Equal(so, obs.AsSpan(3 * i, 3).ToArray());
            }
        }
    }

    [Fact]
    public void A_terminated_cartpole_is_autoreset_while_the_others_continue()
    {
        using var vec = new VectorEnv(_ => new CartPoleEnv(), 2, threads: 1);
        var (obs, rew, term, trunc, final) = Buffers(vec);
        vec.Reset(1, obs);
        ((CartPoleEnv)vec[0]).SetState(2.399, 1.0, 0, 0);
        vec.Step([1f, 0f], obs, rew, term, trunc, final);
        Assert.True(term[0]);
        Assert.False(term[1]);
        Assert.Equal(1.0, rew[0]);
        Assert.True(final[0] > 2.4f);                       // the terminal observation
        Assert.InRange(obs[0], -0.05f, 0.05f);              // the new episode's first
        Assert.Equal(final.AsSpan(4, 4).ToArray(), obs.AsSpan(4, 4).ToArray());
        Assert.Equal(0, ((CartPoleEnv)vec[0]).SaveState().Values[4]); // step counter restarted
    }

    [Fact]
    public void A_bad_action_names_the_env_and_steps_no_env()
    {
        using var vec = new VectorEnv(_ => new CartPoleEnv(), 3, threads: 1);
        var (obs, rew, term, trunc, final) = Buffers(vec);
        vec.Reset(1, obs);
        var before = Enumerable.Range(0, 3).Select(i => vec[i].SaveState().Values.ToArray()).ToArray();
        var e = Assert.Throws<ArgumentException>(() => vec.Step([1f, 0f, 2f], obs, rew, term, trunc, final));
        Assert.Contains("env 2", e.Message);
        Assert.Contains("2", e.Message);
        for (int i = 0; i < 3; i++) Assert.Equal(before[i], vec[i].SaveState().Values.ToArray());
        Assert.Throws<ArgumentException>(() => vec.Step([1f, 0f], obs, rew, term, trunc, final));
    }

    [Theory]
    [InlineData("Pendulum-v1")]
    [InlineData("Acrobot-v1")]
    public void The_worker_pool_gives_the_same_results_as_one_thread(string id)
    {
        const int n = 64;
        using var serial = new VectorEnv(_ => EnvRegistry.Make(id), n, threads: 1);
        using var pooled = new VectorEnv(_ => EnvRegistry.Make(id), n, threads: 2);
        pooled.ForceParallel = true;
        var a = Buffers(serial); var b = Buffers(pooled);
        serial.Reset(3, a.Obs); pooled.Reset(3, b.Obs);
        var actions = new float[n];
        bool discrete = serial.ActionSpace is Spaces.DiscreteSpace;
        for (int t = 0; t < 520; t++)
        {
            for (int i = 0; i < n; i++) actions[i] = discrete ? (t + i) % 3 : (float)Math.Cos(t * 0.05 + i);
            serial.Step(actions, a.Obs, a.Rew, a.Term, a.Trunc, a.Final);
            pooled.Step(actions, b.Obs, b.Rew, b.Term, b.Trunc, b.Final);
            Assert.Equal(a.Obs, b.Obs); Assert.Equal(a.Rew, b.Rew); Assert.Equal(a.Final, b.Final);
            Assert.Equal(a.Term, b.Term); Assert.Equal(a.Trunc, b.Trunc);
        }
        Assert.True(pooled.IsParallel);
    }

    [Fact]
    public void Environments_with_different_spaces_cannot_share_a_vector()
    {
        var e = Assert.Throws<ArgumentException>(() => new VectorEnv(i => i == 0 ? new PendulumEnv() : new MountainCarContinuousEnv(), 2));
        Assert.Contains("env 1", e.Message);
    }

    [Theory]
    [InlineData("rig")]
    [InlineData("Pendulum-v1")]
    [InlineData("CartPole-v1")]
    public void Stepping_allocates_nothing(string id)
    {
        using var vec = new VectorEnv(_ => id == "rig" ? new RigEnv(TestRigs.DirectDrive.WithOverride("delay_steps", 1)) : EnvRegistry.Make(id), 8, threads: 1);
        var (obs, rew, term, trunc, final) = Buffers(vec);
        var actions = new float[8];
        vec.Reset(1, obs);
        for (int i = 0; i < 300; i++) vec.Step(actions, obs, rew, term, trunc, final);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) vec.Step(actions, obs, rew, term, trunc, final);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_factory_that_returns_one_instance_for_every_index_is_refused()
    {
        var shared = new PendulumEnv();
        var e = Assert.Throws<ArgumentException>(() => new VectorEnv(_ => shared, 2));
        Assert.Contains("same instance", e.Message);
    }

    [Fact]
    public void Pendulum_copies_inside_a_vector_remain_full_views_of_their_own_state()
    {
        using var vec = new VectorEnv(_ => new PendulumEnv(), 3, threads: 1);
        var (obs, rew, term, trunc, final) = Buffers(vec);
        vec.Reset(5, obs);
        vec.Step([1f, -1f, 0.5f], obs, rew, term, trunc, final);
        EnvState saved = vec[1].SaveState();
        var lone = new PendulumEnv();
        lone.RestoreState(saved);
        var o = new float[3];
        var r = lone.Step([0.25f], o);
        vec.Step([0f, 0.25f, 0f], obs, rew, term, trunc, final);
        Assert.Equal(r.Reward, rew[1]);
        Assert.Equal(o, obs.AsSpan(3, 3).ToArray());
        vec[1].RestoreState(saved); // restoring through the view rewinds that copy only
        Assert.Equal(saved.Values, vec[1].SaveState().Values);
        Assert.NotEqual(saved.Values, vec[0].SaveState().Values);
    }

    [Fact]
    public void The_vectorised_pendulum_kernel_matches_the_single_env_bit_for_bit_over_every_angle_case()
    {
        // Angles from −9π to 9π exercise all four exact angle_normalize cases and the scalar fallback;
        // actions beyond ±2 and −0 exercise the clipping; speeds near ±8 the speed clip. 67 envs leave a tail of 3.
        const int n = 67;
        var rng = new System.Random(17);
        using var vec = new VectorEnv(_ => new PendulumEnv(), n, threads: 1);
        var singles = new PendulumEnv[n];
        var (obs, rew, term, trunc, final) = Buffers(vec);
        vec.Reset(1, obs);
        for (int i = 0; i < n; i++)
        {
            double th = (rng.NextDouble() * 2 - 1) * 9 * Math.PI, w = (rng.NextDouble() * 2 - 1) * 8.5;
            ((PendulumEnv)vec[i]).SetState(th, w);
            singles[i] = new PendulumEnv();
            singles[i].SetState(th, w);
        }
        var actions = new float[n];
        var o = new float[3];
        for (int t = 0; t < 150; t++)
        {
            for (int i = 0; i < n; i++) actions[i] = (i + t) % 11 == 0 ? -0f : (float)((rng.NextDouble() * 2 - 1) * 3);
            vec.Step(actions, obs, rew, term, trunc, final);
            for (int i = 0; i < n; i++)
            {
                var r = singles[i].Step([actions[i]], o);
                Assert.Equal(BitConverter.DoubleToInt64Bits(r.Reward), BitConverter.DoubleToInt64Bits(rew[i]));
                Assert.Equal(singles[i].SaveState().Values, vec[i].SaveState().Values);
                Assert.Equal(o, final.AsSpan(3 * i, 3).ToArray());
            }
        }
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCarContinuous-v0")]
    [InlineData("rig:direct-drive")]
    public void Every_env_kind_steps_in_a_vector_exactly_as_alone_including_autoresets(string id)
    {
        const int n = 5;
        using var vec = new VectorEnv(_ => SaveRestoreTests.Make(id), n, threads: 1);
        var singles = Enumerable.Range(0, n).Select(_ => SaveRestoreTests.Make(id)).ToArray();
        var (obs, rew, term, trunc, final) = Buffers(vec);
        vec.Reset(21, obs);
        var so = new float[vec.ObsSize];
        for (int i = 0; i < n; i++) singles[i].Reset(21 + (ulong)i, so);
        var actions = new float[n];
        bool discrete = vec.ActionSpace is Spaces.DiscreteSpace;
        int resets = 0;
        for (int t = 0; t < 1000; t++)
        {
            for (int i = 0; i < n; i++) actions[i] = discrete ? (t / 3 + i) % ((Spaces.DiscreteSpace)vec.ActionSpace).N : (float)Math.Sin(t * 0.03 + i);
            vec.Step(actions, obs, rew, term, trunc, final);
            for (int i = 0; i < n; i++)
            {
                var r = singles[i].Step([actions[i]], so);
                Assert.Equal(r.Reward, rew[i]);
                Assert.Equal(r.Terminated, term[i]);
                Assert.Equal(r.Truncated, trunc[i]);
                Assert.Equal(so, final.AsSpan(vec.ObsSize * i, vec.ObsSize).ToArray());
                if (r.Done) { singles[i].Reset(null, so); resets++; }
                Assert.Equal(so, obs.AsSpan(vec.ObsSize * i, vec.ObsSize).ToArray());
            }
        }
        Assert.True(resets > 0);
    }
}
