using TrpoEdge.Sim.Envs;
using TrpoEdge.Sim.Tests.Golden;

namespace TrpoEdge.Sim.Tests;

/// <summary>Bit-for-bit agreement with Gymnasium 1.x under NumPy <see cref="GoldenFile.NumPyVersion"/> (1.x
/// promotion rules), on golden files that Golden/gen_golden.py computes by running real NumPy over Gymnasium's
/// expressions: reset(seed) for about 1,000 seeds per environment, 2,500 single steps from pinned states per
/// environment, and ten whole open-loop episodes per environment, on the single env and on VectorEnv.
/// Every float64 state, float64 reward, float32 observation and flag must be identical.</summary>
public sealed class GymnasiumParityTests
{
    public static TheoryData<string> Ids => new() { PendulumEnv.EnvId, CartPoleEnv.EnvId, AcrobotEnv.EnvId, MountainCarContinuousEnv.EnvId };

    private static IEnv Make(string id) => EnvRegistry.Make(id);

    /// <summary>The env's float64 physical state, in Gymnasium's order.</summary>
    private static double[] StateOf(IEnv env) => env switch
    {
        PendulumEnv p => [p.Theta, p.ThetaDot],
        CartPoleEnv c => [c.State.X, c.State.XDot, c.State.Theta, c.State.ThetaDot],
        AcrobotEnv a => [a.State.Theta1, a.State.Theta2, a.State.Dtheta1, a.State.Dtheta2],
        MountainCarContinuousEnv m => [m.State.Position, m.State.Velocity],
        _ => throw new ArgumentException(env.Id),
    };

    private static void Pin(IEnv env, double[] s)
    {
        switch (env)
        {
            case PendulumEnv p: p.SetState(s[0], s[1]); break;
            case CartPoleEnv c: c.SetState(s[0], s[1], s[2], s[3]); break;
            case AcrobotEnv a: a.SetState(s[0], s[1], s[2], s[3]); break;
            case MountainCarContinuousEnv m: m.SetState(s[0], s[1]); break;
            default: throw new ArgumentException(env.Id);
        }
    }

    private static float Action(string id, string text) =>
        id is PendulumEnv.EnvId or MountainCarContinuousEnv.EnvId ? GoldenFile.F(text) : int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static void SameState(double[] expected, double[] actual, string what)
    {
        for (int k = 0; k < expected.Length; k++) GoldenFile.Same(expected[k], actual[k], $"{what} state[{k}]");
    }

    private static void SameObs(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++) GoldenFile.Same(expected[k], actual[k], $"{what} obs[{k}]");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Reset_with_a_seed_gives_gymnasiums_initial_state_and_observation(string id)
    {
        int count = 0;
        foreach (string[] r in GoldenFile.Records("gymnasium_resets.txt.gz"))
        {
            string[] head = GoldenFile.Words(r[0]);
            if (head[0] != id) continue;
            IEnv env = Make(id);
            var obs = new float[env.ObservationSpace.FlatSize];
            env.Reset(GoldenFile.Seed(head[1]), obs);
            SameState(GoldenFile.Doubles(r[1]), StateOf(env), $"{id} reset({head[1]})");
            SameObs(GoldenFile.Floats(r[2]), obs, $"{id} reset({head[1]})");
            count++;
        }
        Assert.True(count >= 1000, $"only {count} {id} resets in the golden file");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void One_step_from_a_pinned_state_matches_gymnasium_bit_for_bit(string id)
    {
        int count = 0;
        IEnv env = Make(id);
        var obs = new float[env.ObservationSpace.FlatSize];
        foreach (string[] r in GoldenFile.Records("gymnasium_steps.txt.gz"))
        {
            if (r[0] != id) continue;
            string what = $"{id} step {count} from [{string.Join(", ", GoldenFile.Doubles(r[1]).Select(v => v.ToString("R")))}] action {r[2]}";
            env.Reset(0, obs);
            Pin(env, GoldenFile.Doubles(r[1]));
            StepResult result = env.Step([Action(id, r[2])], obs);
            SameState(GoldenFile.Doubles(r[3]), StateOf(env), what);
            GoldenFile.Same(GoldenFile.D(r[4]), result.Reward, $"{what} reward");
            Assert.True((r[5] == "1") == result.Terminated, $"{what}: terminated should be {r[5] == "1"}");
            SameObs(GoldenFile.Floats(r[6]), obs, what);
            count++;
        }
        Assert.Equal(2500, count);
    }

    /// <summary>One recorded episode: the seed, the reset observation and the steps.</summary>
    private sealed record Episode(string Id, ulong Seed, float[] FirstObs, List<string[]> Steps);

    private static List<Episode> Episodes(string id)
    {
        var episodes = new List<Episode>();
        foreach (string[] r in GoldenFile.Records("gymnasium_replays.txt.gz"))
        {
            if (r[0].StartsWith("episode ", StringComparison.Ordinal))
            {
                string[] head = GoldenFile.Words(r[0]);
                episodes.Add(new Episode(head[1], GoldenFile.Seed(head[2]), GoldenFile.Floats(r[1]), []));
            }
            else episodes[^1].Steps.Add(r);
        }
        return episodes.Where(e => e.Id == id).ToList();
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Whole_seeded_open_loop_episodes_replay_bit_for_bit(string id)
    {
        List<Episode> episodes = Episodes(id);
        Assert.Equal(10, episodes.Count);
        int steps = 0;
        foreach (Episode e in episodes)
        {
            IEnv env = Make(id);
            var obs = new float[env.ObservationSpace.FlatSize];
            env.Reset(e.Seed, obs);
            SameObs(e.FirstObs, obs, $"{id} seed {e.Seed} reset");
            for (int t = 0; t < e.Steps.Count; t++)
            {
                string[] s = e.Steps[t];
                string what = $"{id} seed {e.Seed} step {t + 1}";
                StepResult r = env.Step([Action(id, s[0])], obs);
                GoldenFile.Same(GoldenFile.D(s[1]), r.Reward, $"{what} reward");
                Assert.True((s[2] == "1") == r.Terminated, $"{what}: terminated should be {s[2] == "1"}");
                Assert.True((s[3] == "1") == r.Truncated, $"{what}: truncated should be {s[3] == "1"}");
                SameObs(GoldenFile.Floats(s[4]), obs, what);
                SameState(GoldenFile.Doubles(s[5]), StateOf(env), what);
                steps++;
            }
        }
        Assert.True(steps >= 250, $"only {steps} steps replayed");
    }

    /// <summary>The batch path (Pendulum's struct-of-arrays vector kernel, the other envs' unchecked steps, serial
    /// and on the worker pool): VectorEnv.Reset(0) starts env i from reset(i), which is the recorded episode with
    /// seed i, so every row must follow its episode until that episode ends.</summary>
    [Theory]
    [InlineData(PendulumEnv.EnvId, false)]
    [InlineData(PendulumEnv.EnvId, true)]
    [InlineData(CartPoleEnv.EnvId, false)]
    [InlineData(AcrobotEnv.EnvId, true)]
    [InlineData(MountainCarContinuousEnv.EnvId, false)]
    public void VectorEnv_rows_replay_the_seeded_episodes_bit_for_bit(string id, bool pool)
    {
        List<Episode> episodes = Episodes(id).Where(e => e.Seed < 8).OrderBy(e => e.Seed).ToList();
        Assert.Equal(8, episodes.Count);
        using var venv = new VectorEnv(_ => Make(id), 8, threads: pool ? 2 : 1) { ForceParallel = pool };
        int os = venv.ObsSize;
        var obs = new float[8 * os];
        var final = new float[8 * os];
        var rewards = new double[8];
        var term = new bool[8];
        var trunc = new bool[8];
        var actions = new float[8];
        venv.Reset(0, obs);
        for (int i = 0; i < 8; i++) SameObs(episodes[i].FirstObs, obs.AsSpan(i * os, os), $"{id} row {i} reset");
        int longest = episodes.Max(e => e.Steps.Count);
        for (int t = 0; t < longest; t++)
        {
            for (int i = 0; i < 8; i++)
                actions[i] = t < episodes[i].Steps.Count ? Action(id, episodes[i].Steps[t][0]) : 0f; // finished rows idle
            venv.Step(actions, obs, rewards, term, trunc, final);
            for (int i = 0; i < 8; i++)
            {
                if (t >= episodes[i].Steps.Count) continue;
                string[] s = episodes[i].Steps[t];
                string what = $"{id} row {i} step {t + 1}";
                GoldenFile.Same(GoldenFile.D(s[1]), rewards[i], $"{what} reward");
                Assert.True((s[2] == "1") == term[i], $"{what}: terminated should be {s[2] == "1"}");
                Assert.True((s[3] == "1") == trunc[i], $"{what}: truncated should be {s[3] == "1"}");
                SameObs(GoldenFile.Floats(s[4]), final.AsSpan(i * os, os), what);
            }
        }
    }

    [Fact]
    public void NumPys_float32_cos_and_sin_are_reproduced_on_acrobots_reset_range()
    {
        int differFromLibm = 0, count = 0;
        foreach (string[] r in GoldenFile.Records("numpy_float32_trig.txt.gz"))
        {
            float x = GoldenFile.F(r[0]);
            float c = GoldenFile.F(r[1]), s = GoldenFile.F(r[2]);
            GoldenFile.Same(c, NumPyFloat32.Cos(x), $"cos({x:R})");
            GoldenFile.Same(s, NumPyFloat32.Sin(x), $"sin({x:R})");
            if (c != (float)Math.Cos(x) || s != (float)Math.Sin(x)) differFromLibm++;
            count++;
        }
        Assert.True(count > 10_000);
        // The file keeps every input where NumPy's float32 functions disagree with the rounded float64 ones: the
        // reason they are reproduced rather than approximated.
        Assert.True(differFromLibm > 100, $"only {differFromLibm} inputs differ from the C library's");
    }
}
