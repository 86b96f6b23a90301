using TrpoEdge.Trainer.Constraints;
using TrpoEdge.Trainer.Sampling;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Vine;

public sealed class VariantOptionsTests
{
    [Fact]
    public void Config_keys_select_the_vine_and_the_penalty_with_their_settings()
    {
        const string yaml = """
            CartPole-v1:
              n_envs: 4
              n_steps: 64
              sampling: vine
              vine_states: 32
              vine_actions: 3
              vine_horizon: 12
              vine_bootstrap: false
              constraint: penalty
              penalty_epochs: 5
              penalty_lr: 0.001
              penalty_beta_init: 0.5
              penalty_batch_size: 32
            """;
        TrainingOptions o = TrainingConfig.Parse(yaml, "test.yml", "CartPole-v1", new TrainingOptions());
        o.Validate();
        Assert.Equal(SamplingScheme.Vine, o.Sampling);
        Assert.Equal(new VineOptions { States = 32, Actions = 3, Horizon = 12, Bootstrap = false }, o.Vine);
        Assert.Equal(PolicyConstraint.Penalty, o.Constraint);
        Assert.Equal(new KlPenaltyOptions { Epochs = 5, LearningRate = 0.001, BetaInit = 0.5, MinibatchSize = 32 }, o.Penalty);
    }

    [Fact]
    public void A_checkpoint_remembers_the_variant_and_its_settings()
    {
        var options = new TrainingOptions
        {
            EnvId = "CartPole-v1", NumEnvs = 2, StepsPerEnv = 64, Trpo = new() { CriticBatchSize = 64 },
            Sampling = SamplingScheme.Vine, Vine = new VineOptions { States = 16, Actions = 3, Horizon = 7, Bootstrap = false },
            Constraint = PolicyConstraint.Penalty, Penalty = new KlPenaltyOptions { Epochs = 4, LearningRate = 2e-3, BetaInit = 0.25, MinibatchSize = 16 },
        };
        Agent agent = Agent.Create(options, "CartPole-v1", Core.Spaces.SpaceSpec.Box([-1, -1, -1, -1], [1, 1, 1, 1]), Core.Spaces.SpaceSpec.Discrete(2), 0.02);
        Agent restored = Agent.FromCheckpoint(agent.ToCheckpoint());
        Assert.Equal(SamplingScheme.Vine, restored.Options.Sampling);
        Assert.Equal(options.Vine, restored.Options.Vine);
        Assert.Equal(PolicyConstraint.Penalty, restored.Options.Constraint);
        Assert.Equal(options.Penalty, restored.Options.Penalty);
    }

    [Fact]
    public void The_defaults_stay_single_path_with_a_trust_region()
    {
        var o = new TrainingOptions();
        Assert.Equal(SamplingScheme.SinglePath, o.Sampling);
        Assert.Equal(PolicyConstraint.TrustRegion, o.Constraint);
    }

    [Theory]
    [InlineData("sampling: tree", "\"tree\" is not a sampling scheme; use single_path or vine")]
    [InlineData("constraint: clip", "\"clip\" is not a constraint; use trust_region or penalty")]
    public void Unknown_variant_names_are_refused_with_the_choices(string line, string message)
    {
        var e = Assert.Throws<FormatException>(() => TrainingConfig.Parse("CartPole-v1:\n  " + line + "\n", "x.yml", "CartPole-v1", new TrainingOptions()));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Vine_settings_are_validated_against_the_trunk_with_the_value_and_a_remedy()
    {
        var o = new TrainingOptions { NumEnvs = 2, StepsPerEnv = 10, Sampling = SamplingScheme.Vine, Vine = new VineOptions { States = 50 }, Trpo = new() { CriticBatchSize = 10 } };
        var e = Assert.Throws<ArgumentOutOfRangeException>(o.Validate);
        Assert.Contains("vine_states = 50 is invalid", e.Message);
        Assert.Contains("trunk batch (20", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new VineOptions { Actions = 1 }.Validate(1000));
        Assert.Contains("vine_actions = 1", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new VineOptions { Horizon = 0 }.Validate(1000));
        Assert.Contains("vine_horizon = 0", e.Message);
        // Settings of an unused variant are not held against a run.
        new TrainingOptions { NumEnvs = 2, StepsPerEnv = 10, Vine = new VineOptions { States = 50 }, Trpo = new() { CriticBatchSize = 10 } }.Validate();
    }

    [Fact]
    public void Penalty_settings_are_validated_with_the_value_and_an_example()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new KlPenaltyOptions { Epochs = 0 }.Validate());
        Assert.Contains("penalty_epochs = 0 is invalid", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new KlPenaltyOptions { LearningRate = 2 }.Validate());
        Assert.Contains("penalty_lr = 2", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new KlPenaltyOptions { BetaInit = 0 }.Validate());
        Assert.Contains("penalty_beta_init = 0", e.Message);
    }
}
