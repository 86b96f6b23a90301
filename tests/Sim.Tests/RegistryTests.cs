namespace TrpoEdge.Sim.Tests;

public sealed class RegistryTests
{
    [Theory]
    [InlineData("Pendulum-v1", typeof(PendulumEnv), "Box(3)[-1,-1,-8;1,1,8]", "Box(1)[-2;2]")]
    [InlineData("CartPole-v1", typeof(CartPoleEnv), null, "Discrete(2)")]
    [InlineData("Acrobot-v1", typeof(AcrobotEnv), null, "Discrete(3)")]
    [InlineData("MountainCarContinuous-v0", typeof(MountainCarContinuousEnv), "Box(2)[-1.2,-0.07;0.6,0.07]", "Box(1)[-1;1]")]
    public void Make_builds_each_gymnasium_id_with_gymnasiums_spaces(string id, Type type, string? obs, string act)
    {
        IEnv env = EnvRegistry.Make(id);
        Assert.IsType(type, env);
        Assert.Equal(id, env.Id);
        if (obs is not null) Assert.Equal(obs, env.ObservationSpace.Describe());
        Assert.Equal(act, env.ActionSpace.Describe());
        Assert.Contains(id, EnvRegistry.Ids);
    }

    [Fact]
    public void CartPole_and_Acrobot_observation_bounds_are_gymnasiums()
    {
        var c = (Spaces.BoxSpace)EnvRegistry.Make("CartPole-v1").ObservationSpace;
        Assert.Equal([4.8f, float.MaxValue, 0.41887903f, float.MaxValue], c.High);
        var a = (Spaces.BoxSpace)EnvRegistry.Make("Acrobot-v1").ObservationSpace;
        Assert.Equal([1f, 1f, 1f, 1f, 12.566371f, 28.274334f], a.High);
    }

    [Fact]
    public void An_unknown_id_is_refused_with_the_known_ids_listed()
    {
        var e = Assert.Throws<ArgumentException>(() => EnvRegistry.Make("Pendulum-v0"));
        Assert.Contains("Pendulum-v0", e.Message);
        foreach (string id in EnvRegistry.Ids) Assert.Contains(id, e.Message);
    }

    [Fact]
    public void A_rig_file_path_or_rig_name_makes_a_rig_env_named_after_the_rig()
    {
        IEnv byPath = EnvRegistry.Make(TestRigs.Path("direct-drive"));
        Assert.Equal("Rig:direct-drive", byPath.Id);
        Assert.Equal(0.05, byPath.ControlPeriod);
        Assert.Equal(200, byPath.MaxEpisodeSteps);
        IEnv byName = EnvRegistry.Make("Rig:qube-servo-2");
        Assert.Equal("Rig:qube-servo-2", byName.Id);
        Assert.Throws<ArgumentException>(() => EnvRegistry.Make("Rig:no-such-rig"));
    }
}
