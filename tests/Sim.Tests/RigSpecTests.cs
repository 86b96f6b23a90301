namespace TrpoEdge.Sim.Tests;

public sealed class RigSpecTests
{
    private const string Minimal = """
        name: tiny   # a comment
        max_episode_steps: 10
        control:
          period: 0.01
        pendulum:
          mass: 2
          length: 0.5
        motor:
          supply_voltage: 12
          resistance: 2
          torque_constant: 0.05
        """;

    [Fact]
    public void A_minimal_file_gets_documented_defaults_and_derived_values()
    {
        var s = RigSpec.Parse(Minimal, "tiny.yaml");
        Assert.Equal("tiny", s.Name);
        Assert.Equal(0.01, s.ControlPeriod);
        Assert.Equal(10, s.Substeps);
        Assert.Equal(0, s.DelaySteps);
        Assert.Equal(9.81, s["gravity"]);
        Assert.Equal(0.25, s["pendulum.com"]);
        Assert.Equal(2 * 0.25 / 3, s["pendulum.inertia"], 15);
        Assert.Equal(0.05, s["motor.back_emf_constant"]);
        Assert.Equal(RigIntegrator.Rk4, s.Integrator);
        Assert.Null(s.Limits.MaxVelocity);
    }

    [Fact]
    public void An_override_replaces_one_value_and_derived_values_follow()
    {
        var s = RigSpec.Parse(Minimal, "tiny.yaml").WithOverride("pendulum.length", 1.0).WithOverride("delay_steps", 2);
        Assert.Equal(0.5, s["pendulum.com"]);
        Assert.Equal(2.0 / 3, s["pendulum.inertia"], 15);
        Assert.Equal(2, s.DelaySteps);
    }

    [Fact]
    public void An_unknown_override_key_is_refused_with_the_known_keys_listed()
    {
        var e = Assert.Throws<ArgumentException>(() => TestRigs.DirectDrive.WithOverride("pendulum.weight", 1));
        Assert.Contains("pendulum.weight", e.Message);
        Assert.Contains("pendulum.mass", e.Message);
        Assert.Contains("motor.resistance", e.Message);
        Assert.Contains("delay_steps", e.Message);
    }

    [Theory]
    [InlineData("delay_steps", 1.5, "whole number")]
    [InlineData("motor.resistance", 0, "must be >")]
    [InlineData("pendulum.mass", double.NaN, "finite")]
    public void An_invalid_override_value_is_refused_naming_key_and_value(string key, double value, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => TestRigs.DirectDrive.WithOverride(key, value));
        Assert.Contains(key, e.Message);
        Assert.Contains(why, e.Message);
    }

    [Theory]
    [InlineData("name: a\n\tmax_episode_steps: 3\n", 2, "tab")]
    [InlineData("name: a\nmax_episode_steps: 3\ncontrol:\n  period: fast\n", 4, "control.period")]
    [InlineData("name: a\nmax_episode_steps: 3\npendulum:\n  colour: red\n", 4, "pendulum.colour")]
    [InlineData("name: a\nmax_episode_steps: 3\nrandomization:\n  pendulum.mass: [2, 1]\n", 4, "low > high")]
    [InlineData("name: a\nmax_episode_steps: 3\nrandomization:\n  pendulum.mass: [1]\n", 4, "two-element")]
    [InlineData("name: a\nlimits:\n  - 3\n", 3, "block lists")]
    [InlineData("name: a\nname: b\n", 2, "duplicate")]
    [InlineData("name: a\nmax_episode_steps: [1, 2\n", 2, "closing")]
    [InlineData("name: a\nmax_episode_steps: -3\n", 2, "max_episode_steps")]
    [InlineData("name: a\ncontrol:\n  integrator: leapfrog\n", 3, "rk4")]
    [InlineData("name: a\ncontrol:\n    period: 1\n  substeps: 2\n", 4, "indentation")]
    public void A_malformed_file_names_the_file_line_and_problem(string yaml, int line, string mentioned)
    {
        var e = Assert.Throws<Yaml.YamlFormatException>(() => RigSpec.Parse(yaml, "bad.yaml"));
        Assert.StartsWith($"bad.yaml:{line}:", e.Message);
        Assert.Contains(mentioned, e.Message);
        Assert.Equal(line, e.LineNumber);
    }

    [Fact]
    public void A_missing_required_key_is_named()
    {
        var e = Assert.Throws<Yaml.YamlFormatException>(() => RigSpec.Parse("name: a\nmax_episode_steps: 3\n", "bad.yaml"));
        Assert.Contains("control.period", e.Message);
    }

    [Fact]
    public void The_yaml_subset_reads_nested_maps_flow_lists_quotes_and_comments()
    {
        var map = Yaml.MiniYaml.Parse("""
            # header comment
            a: 1
            b:
              c: "x # not a comment"   # a comment
              d: [1, 'two', 3.5]
              e:
                f: -2e-3
            g: []
            """, "t.yaml");
        Assert.Equal(["a", "b", "g"], map.Entries.Select(e => e.Key).ToArray());
        var b = (Yaml.YamlMap)map.Entries[1].Value;
        Assert.Equal("x # not a comment", ((Yaml.YamlScalar)b.Entries[0].Value).Text);
        var d = (Yaml.YamlList)b.Entries[1].Value;
        Assert.Equal(["1", "two", "3.5"], d.Items.Select(i => i.Text).ToArray());
        Assert.Equal(5, d.Line);
        var f = (Yaml.YamlScalar)((Yaml.YamlMap)b.Entries[2].Value).Entries[0].Value;
        Assert.Equal("-2e-3", f.Text);
        Assert.Empty(((Yaml.YamlList)map.Entries[2].Value).Items);
    }

    [Fact]
    public void Both_shipped_rig_files_parse_and_declare_randomisation_ranges()
    {
        foreach (var s in new[] { TestRigs.DirectDrive, TestRigs.Qube })
        {
            Assert.NotEmpty(s.Randomization);
            Assert.Contains("delay_steps", s.Randomization.Keys);
            Assert.NotNull(s.Limits.MaxVelocity);
        }
        var dd = TestRigs.DirectDrive;
        // Stall torque kt·V/R = 2 N·m, like Pendulum-v1's max torque; same rod, gravity and period.
        Assert.Equal(2.0, dd["motor.torque_constant"] * dd["motor.supply_voltage"] / dd["motor.resistance"], 12);
        Assert.Equal(10.0, dd["gravity"]);
        Assert.Equal(0.05, dd.ControlPeriod);
        Assert.Equal(200, dd.MaxEpisodeSteps);
    }
}
