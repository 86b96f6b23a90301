using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Training;

/// <summary>The run folder's config.yml: every setting the reader knows is written, and reading it back gives
/// the same options (written again, byte for byte the same file).</summary>
public sealed class ResolvedConfigTests
{
    [Fact]
    public void Every_known_setting_is_written_and_the_file_reads_back_to_itself()
    {
        var options = new TrainingOptions { EnvId = "CartPole-v1", Seed = 7, TotalSteps = 12_345, NumEnvs = 3, StepsPerEnv = 64, Hidden = [32, 16], StopAtReturn = 480 };
        string yaml = TrainingConfig.ToYaml(options);
        foreach (string key in TrainingConfig.Keys) Assert.Contains($"\n  {key}: ", yaml);

        TrainingOptions read = TrainingConfig.Parse(yaml, "config.yml", "CartPole-v1", new TrainingOptions { EnvId = "CartPole-v1" });
        Assert.Equal(yaml, TrainingConfig.ToYaml(read));
        Assert.Equal([32, 16], read.Hidden);
        Assert.Equal(12_345, read.TotalSteps);
    }
}
