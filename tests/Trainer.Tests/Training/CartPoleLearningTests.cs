using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Training;

/// <summary>The whole training loop on a small budget: it must learn, and the same seed must give the same bytes.</summary>
public sealed class CartPoleLearningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-cartpole-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_short_seeded_cartpole_run_learns_and_is_deterministic()
    {
        TrainingResult first = Train("a");
        TrainingResult second = Train("b");

        // A random policy balances for about 20 steps; 30k steps of TRPO balance several times longer.
        Assert.True(first.FinalReturnMean >= 150, $"deterministic return after {first.TotalSteps} steps was {first.FinalReturnMean:F1}");
        Assert.Equal(first.CheckpointSha256, second.CheckpointSha256);
        Assert.Equal(first.FinalReturnMean, second.FinalReturnMean);

        PolicyCheckpoint checkpoint = PolicyCheckpoint.Load(first.CheckpointPath);
        Assert.Equal(first.TotalSteps, checkpoint.TotalSteps);
        Assert.True(checkpoint.PolicyVersion > 0 && checkpoint.PolicyVersion <= first.Updates);
        Assert.Equal(TrainingRun.RecordedObservationCount * 4, checkpoint.RecordedObservations!.Length);
    }

    [Fact]
    public void A_cancelled_run_stops_between_updates_and_still_saves_a_loadable_checkpoint()
    {
        using var cts = new CancellationTokenSource();
        var options = new TrainingOptions { EnvId = "CartPole-v1", TotalSteps = 1_000_000, NumEnvs = 2, StepsPerEnv = 64, Hidden = [8], EvalEvery = 0, FinalEvalEpisodes = 1, CheckpointEvery = 0, Trpo = new() { CriticBatchSize = 32 } };
        IEnv probe = EnvRegistry.Make(options.EnvId);
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        var run = new TrainingRun(agent, () => EnvRegistry.Make(options.EnvId), Path.Combine(_dir, "cancel"));
        run.Updated += r => { if (r.Update == 3) cts.Cancel(); }; // as Ctrl-C would, mid-run
        TrainingResult result = run.Run(cts.Token);
        Assert.True(result.Cancelled);
        Assert.Equal(3, result.Updates);
        Assert.Equal(3 * 128, PolicyCheckpoint.Load(result.CheckpointPath).TotalSteps);
    }

    private TrainingResult Train(string name)
    {
        var options = new TrainingOptions
        {
            EnvId = "CartPole-v1", Seed = 3, TotalSteps = 30_720, NumEnvs = 8, StepsPerEnv = 128, Hidden = [32, 32],
            EvalEvery = 0, FinalEvalEpisodes = 10, CheckpointEvery = 0,
            Trpo = new() { Gamma = 0.99, GaeLambda = 0.98, CgDamping = 1e-3, CriticEpochs = 10, CriticBatchSize = 128 },
        };
        IEnv probe = EnvRegistry.Make(options.EnvId);
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        return new TrainingRun(agent, () => EnvRegistry.Make(options.EnvId), Path.Combine(_dir, name)).Run(CancellationToken.None);
    }
}
