using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Constraints;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Penalty;

/// <summary>A KL-penalty run saves β and its Adam state, and <c>trainer train --resume</c> continues with them.</summary>
public sealed class PenaltyResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-penalty-resume-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TrainingOptions Options(long totalSteps) => new()
    {
        EnvId = "CartPole-v1", Seed = 5, TotalSteps = totalSteps, NumEnvs = 2, StepsPerEnv = 128, Hidden = [16],
        EvalEvery = 0, FinalEvalEpisodes = 1, CheckpointEvery = 0, Trpo = new() { CriticBatchSize = 64 },
        Constraint = PolicyConstraint.Penalty,
        // A large learning rate and a tiny β₀ overshoot the target at once, so β moves far from β₀ in a few updates.
        Penalty = new KlPenaltyOptions { Epochs = 5, LearningRate = 0.02, BetaInit = 1e-3, MinibatchSize = 64 },
    };

    [Fact]
    public void A_resumed_penalty_run_starts_from_the_saved_beta_and_adam_state_not_from_beta_init()
    {
        IEnv probe = EnvRegistry.Make("CartPole-v1");
        Agent agent = Agent.Create(Options(4 * 256), probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        var first = new TrainingRun(agent, () => EnvRegistry.Make("CartPole-v1"), Path.Combine(_dir, "a"));
        var betas = new List<double>();
        first.Updated += r => betas.Add(r.Policy.Beta!.Value);
        TrainingResult done = first.Run(CancellationToken.None);

        PolicyCheckpoint saved = PolicyCheckpoint.Load(done.CheckpointPath);
        Assert.NotNull(saved.PenaltyBeta);
        Assert.NotNull(saved.PolicyOptimizer);
        Assert.Equal(4 * 5 * 4, saved.PolicyOptimizer!.Step); // 4 updates × 5 epochs × 256/64 minibatches
        Assert.Equal(1e-3, betas[0]);
        Assert.NotEqual(1e-3, saved.PenaltyBeta!.Value);

        Agent resumed = Agent.FromCheckpoint(saved, Options(8 * 256));
        var second = new TrainingRun(resumed, () => EnvRegistry.Make("CartPole-v1"), Path.Combine(_dir, "b"));
        var resumedBetas = new List<double>();
        second.Updated += r => resumedBetas.Add(r.Policy.Beta!.Value);
        second.Run(CancellationToken.None);
        Assert.Equal(saved.PenaltyBeta.Value, resumedBetas[0]); // the first resumed update uses the saved β
        Assert.Equal(2 * saved.PolicyOptimizer.Step, PolicyCheckpoint.Load(Path.Combine(_dir, "b", "ckpt.safetensors")).PolicyOptimizer!.Step);
    }

    [Fact]
    public void A_trust_region_run_writes_no_penalty_state()
    {
        IEnv probe = EnvRegistry.Make("CartPole-v1");
        Agent agent = Agent.Create(Options(256) with { Constraint = PolicyConstraint.TrustRegion }, probe.Id,
            SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        TrainingResult done = new TrainingRun(agent, () => EnvRegistry.Make("CartPole-v1"), Path.Combine(_dir, "tr")).Run(CancellationToken.None);
        PolicyCheckpoint saved = PolicyCheckpoint.Load(done.CheckpointPath);
        Assert.Null(saved.PenaltyBeta);
        Assert.Null(saved.PolicyOptimizer);
    }
}
