using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Trainer.Retraining;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Retraining;

/// <summary>The retrain's bound on the mean KL between the policies that logged the data and the new policy, checked
/// with the exact KL computed from the acting policy's own network on the logged states. Each test also runs the same
/// retrain with the bound effectively off and shows that it then ends outside — so the bound is what kept it inside.</summary>
public sealed class BehaviourTrustRegionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-behaviour-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void On_policy_data_many_updates_stay_within_the_bound_on_the_checkpoints_own_policy()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "field.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 8, maxSteps: 100, seed: 3);
        const double bound = 0.02;

        double bounded = ExactKlAfterRetrain(checkpoint, sha, store, agent, bound, "bounded", out RetrainResult result);
        Assert.InRange(bounded, 0, bound + 1e-9);
        Assert.InRange(result.Reports[^1].BehaviourKl, bounded - 1e-6, bounded + 1e-6); // closed form on-policy: reported = exact
        double loose = ExactKlAfterRetrain(checkpoint, sha, store, agent, 5, "loose", out _);
        Assert.True(loose > bound, $"without the bound the same retrain ends at KL {loose}; the test cannot show the bound works");
    }

    [Fact]
    public void Lagged_off_policy_data_stays_within_the_bound_on_the_policy_that_logged_it()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "field.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 8, maxSteps: 100, seed: 5);
        // A child a few accepted updates ahead of the policy that logged the store.
        RetrainResult child = new RetrainRun(checkpoint, sha, new RetrainOptions { Updates = 3, BehaviourKl = 0.01, Seed = 1 }).Run([store], Path.Combine(_dir, "child"));
        Assert.True(child.UpdatesAccepted >= 1);
        PolicyCheckpoint childCheckpoint = PolicyCheckpoint.Load(child.CheckpointPath!);
        const double bound = 0.03;

        // The child retrains from its parent's data: the KL to the parent is estimated from the logged log-probabilities.
        double bounded = ExactKlAfterRetrain(childCheckpoint, child.CheckpointSha256!, store, agent, bound, "bounded", out RetrainResult result);
        Assert.True(result.Reports[^1].BehaviourKl <= bound, $"reported behaviour KL {result.Reports[^1].BehaviourKl}");
        // The sample estimate carries noise: the exact KL may exceed the bound by a little, never by much.
        Assert.InRange(bounded, 0, 1.25 * bound);
        double loose = ExactKlAfterRetrain(childCheckpoint, child.CheckpointSha256!, store, agent, 5, "loose", out _);
        Assert.True(loose > 1.25 * bound, $"without the bound the same retrain ends at KL {loose}; the test cannot show the bound works");
    }

    /// <summary>Retrains with 30 updates and returns the exact mean KL(π_logging ‖ π_new) over the logged states.</summary>
    private double ExactKlAfterRetrain(PolicyCheckpoint checkpoint, string sha, string store, Agent logging, double bound, string name, out RetrainResult result)
    {
        result = new RetrainRun(checkpoint, sha, new RetrainOptions { Updates = 30, BehaviourKl = bound, MinEffectiveSampleFraction = 0, Seed = 2 })
            .Run([store], Path.Combine(_dir, name + checkpoint.PolicyVersion));
        Assert.NotNull(result.CheckpointPath);
        Agent retrained = Agent.FromCheckpoint(PolicyCheckpoint.Load(result.CheckpointPath));
        var obs = new List<float>();
        using (TrajectoryReader reader = TrajectoryReader.Open(store))
            foreach (EpisodeData e in reader.ReadEpisodes()) obs.AddRange(e.Observations.AsSpan(0, e.TrainableLength * e.ObservationSize));
        int n = obs.Count / 3;
        var norm = new float[obs.Count];
        logging.Normalizer.Normalize(obs.ToArray(), norm);
        var before = new float[n * logging.Policy.OutputSize];
        logging.Policy.Forward(norm, n, before);
        retrained.Normalizer.Normalize(obs.ToArray(), norm);
        var after = new float[n * retrained.Policy.OutputSize];
        retrained.Policy.Forward(norm, n, after);
        return retrained.Policy.MeanKl(before, logging.Policy.Head, after, n);
    }
}
