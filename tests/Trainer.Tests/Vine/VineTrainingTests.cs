using TrpoEdge.Sim;
using TrpoEdge.Trainer.Sampling;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Vine;

public sealed class VineTrainingTests
{
    private static (TrainingResult Result, List<UpdateReport> Updates) Train(string directory)
    {
        IEnv probe = EnvRegistry.Make("CartPole-v1");
        var options = new TrainingOptions
        {
            EnvId = "CartPole-v1", Seed = 3, TotalSteps = 24_000, NumEnvs = 4, StepsPerEnv = 256,
            EvalEvery = 0, FinalEvalEpisodes = 10, CheckpointEvery = 0,
            Sampling = SamplingScheme.Vine, Vine = new VineOptions { States = 128, Horizon = 10 },
            Trpo = new() { Gamma = 0.99, GaeLambda = 0.98, CgDamping = 0.001, CriticEpochs = 10 },
        };
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        var run = new TrainingRun(agent, () => EnvRegistry.Make("CartPole-v1"), directory);
        var updates = new List<UpdateReport>();
        run.Updated += updates.Add;
        return (run.Run(CancellationToken.None), updates);
    }

    [Fact]
    public void A_short_seeded_vine_run_on_CartPole_learns_counts_its_branch_steps_and_repeats_exactly()
    {
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-vine-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (first, updates) = Train(Path.Combine(dir, "a"));
            var (second, _) = Train(Path.Combine(dir, "b"));

            // A random CartPole policy lasts about 20 steps; after a few vine updates the greedy policy lasts far longer.
            Assert.True(first.FinalReturnMean >= 100, $"deterministic return {first.FinalReturnMean} after {first.TotalSteps} steps");
            // Each update counts the 1024 trunk steps and every branch step (128 states × 2 actions × ≤ 10 steps).
            long previous = 0;
            foreach (UpdateReport u in updates)
            {
                long taken = u.TotalSteps - previous;
                Assert.InRange(taken, 1024 + 256, 1024 + 2560);
                previous = u.TotalSteps;
            }
            Assert.True(updates.Count(u => u.Policy.LineSearchSuccess) >= updates.Count / 2);
            Assert.Equal(first.TotalSteps, second.TotalSteps);
            Assert.Equal(first.FinalReturnMean, second.FinalReturnMean);
            Assert.Equal(first.CheckpointSha256, second.CheckpointSha256);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
