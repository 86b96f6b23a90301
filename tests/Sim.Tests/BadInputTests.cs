namespace TrpoEdge.Sim.Tests;

public sealed class BadInputTests
{
    public static TheoryData<string, float[], string> Cases => new()
    {
        { "Pendulum-v1", [float.NaN], "NaN" },
        { "Pendulum-v1", [float.PositiveInfinity], "Infinity" },
        { "Pendulum-v1", [1f, 2f], "got 2" },
        { "Pendulum-v1", [], "got 0" },
        { "MountainCarContinuous-v0", [float.NegativeInfinity], "Infinity" },
        { "CartPole-v1", [0.5f], "0.5" },
        { "CartPole-v1", [2f], "2" },
        { "CartPole-v1", [-1f], "-1" },
        { "CartPole-v1", [float.NaN], "NaN" },
        { "Acrobot-v1", [3f], "3" },
        { "Acrobot-v1", [1.25f], "1.25" },
        { "rig:direct-drive", [float.NaN], "NaN" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_action_throws_naming_the_value_and_leaves_the_state_untouched(string id, float[] action, string mentioned)
    {
        IEnv env = SaveRestoreTests.Make(id);
        var obs = new float[env.ObservationSpace.FlatSize];
        env.Reset(5, obs);
        var before = env.SaveState();
        var e = Assert.Throws<ArgumentException>(() => env.Step(action, obs));
        Assert.Contains(mentioned, e.Message);
        var after = env.SaveState();
        Assert.Equal(before.Values, after.Values);
        Assert.Equal(before.Generator, after.Generator);
    }

    [Fact]
    public void An_observation_span_that_is_too_short_is_refused_before_stepping()
    {
        var env = new AcrobotEnv();
        env.Reset(1, new float[6]);
        var before = env.SaveState();
        Assert.Throws<ArgumentException>(() => env.Step([1f], new float[5]));
        Assert.Equal(before.Values, env.SaveState().Values);
    }
}
