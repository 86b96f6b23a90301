using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Training;

public sealed class TrainingConfigTests
{
    [Fact]
    public void Every_shipped_config_loads_and_validates()
    {
        string dir = Path.Combine(RepoRoot(), "trainer", "configs");
        string[] files = Directory.GetFiles(dir, "*.yml");
        Assert.True(files.Length >= 4, $"expected one config per environment in {dir}");
        foreach (string file in files)
        {
            // The section is named by the environment's canonical id (e.g. "Rig:direct-drive" in Rig_direct-drive.yml).
            string env = File.ReadLines(file).First(l => l.Length > 0 && !l.StartsWith('#')).TrimEnd(':').Trim('"');
            TrainingOptions o = TrainingConfig.Load(file, env, new TrainingOptions());
            o.Validate();
            Assert.Equal(env, o.EnvId);
        }
    }

    [Fact]
    public void Settings_use_the_zoo_names_and_override_the_defaults()
    {
        const string yaml = "Pendulum-v1:\n  gamma: 0.9\n  n_envs: 4\n  net_arch: [32, 16]\n  sub_sampling_factor: 10\n  normalize: false\n";
        TrainingOptions o = TrainingConfig.Parse(yaml, "test.yml", "Pendulum-v1", new TrainingOptions());
        Assert.Equal(0.9, o.Trpo.Gamma);
        Assert.Equal(4, o.NumEnvs);
        Assert.Equal([32, 16], o.Hidden);
        Assert.Equal(0.1, o.Trpo.FvpSubsample, 12);
        Assert.False(o.NormalizeObservations);
    }

    [Fact]
    public void An_unknown_setting_is_an_error_naming_the_line_and_the_known_keys()
    {
        var e = Assert.Throws<FormatException>(() => TrainingConfig.Parse("Pendulum-v1:\n  gama: 0.9\n", "c.yml", "Pendulum-v1", new TrainingOptions()));
        Assert.Contains("c.yml:2: gama", e.Message);
        Assert.Contains("gamma", e.Message);
    }

    [Fact]
    public void A_missing_environment_section_lists_the_ones_present()
    {
        var e = Assert.Throws<FormatException>(() => TrainingConfig.Parse("CartPole-v1:\n  gamma: 0.9\n", "c.yml", "Pendulum-v1", new TrainingOptions()));
        Assert.Contains("CartPole-v1", e.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_reported()
    {
        var e = Assert.Throws<FormatException>(() => TrainingConfig.Parse("Pendulum-v1:\n  n_envs: many\n", "c.yml", "Pendulum-v1", new TrainingOptions()));
        Assert.Contains("\"many\" is not a number", e.Message);
    }

    internal static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "TrpoEdge.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("TrpoEdge.sln not found above the test output directory.");
    }
}
