using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Trainer.Retraining;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Retraining;

public sealed class RetrainTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-retrain-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Importance_ratios_equal_one_when_the_behaviour_policy_is_the_checkpoints_own()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "field.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 3, maxSteps: 40, seed: 1);
        FieldBatch field = FieldDataLoader.Load([store], checkpoint, sha, maxPolicyLag: 0);
        double[] ratios = RetrainRun.ImportanceRatios(Agent.FromCheckpoint(checkpoint), field);
        Assert.Equal(3 * 40, ratios.Length);
        Assert.All(ratios, r => Assert.InRange(r, 1 - 1e-5, 1 + 1e-5));
    }

    [Fact]
    public void Data_from_a_mismatched_environment_is_refused_with_the_reason()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "rig.db");
        // Same observation and action shapes, different plant: a rig is not Pendulum-v1.
        FieldLog.Write(store, agent, "Rig:direct-drive", sha, episodes: 1, maxSteps: 10, seed: 1);
        var e = Assert.Throws<InvalidDataException>(() => FieldDataLoader.Load([store], checkpoint, sha, 0));
        Assert.Contains("recorded on environment Rig:direct-drive", e.Message);
        Assert.Contains("trained on Pendulum-v1", e.Message);
    }

    [Fact]
    public void Data_from_an_unrelated_policy_is_refused()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "other.db");
        FieldLog.Write(store, agent, "Pendulum-v1", new string('a', 64), episodes: 1, maxSteps: 10, seed: 1);
        var e = Assert.Throws<InvalidDataException>(() => FieldDataLoader.Load([store], checkpoint, sha, 3));
        Assert.Contains("unrelated policy", e.Message);
        string anonymous = Path.Combine(_dir, "anonymous.db");
        FieldLog.Write(anonymous, agent, "Pendulum-v1", null, episodes: 1, maxSteps: 10, seed: 1);
        e = Assert.Throws<InvalidDataException>(() => FieldDataLoader.Load([anonymous], checkpoint, sha, 3));
        Assert.Contains("does not record which checkpoint", e.Message);
    }

    [Fact]
    public void An_episode_cut_by_a_crash_is_used_as_truncated_without_its_unknown_last_step()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "crash.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 2, maxSteps: 20, seed: 4, crashLastEpisode: true);
        FieldBatch field = FieldDataLoader.Load([store], checkpoint, sha, 0);
        Assert.Equal(2, field.Episodes);
        Assert.Equal(20 + 19, field.Count);          // the crashed episode loses the step whose next observation is unknown
        Assert.False(field.EpisodeTerminated[1]);     // and is bootstrapped, as a truncation
    }

    [Fact]
    public void A_retrain_on_a_tiny_log_is_deterministic_under_a_seed_and_records_its_parent_and_data()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "field.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 4, maxSteps: 50, seed: 7);
        var options = new RetrainOptions { Updates = 3, Seed = 5 };
        RetrainResult a = new RetrainRun(checkpoint, sha, options).Run([store], Path.Combine(_dir, "a"));
        RetrainResult b = new RetrainRun(checkpoint, sha, options).Run([store], Path.Combine(_dir, "b"));
        Assert.Equal(a.CheckpointSha256, b.CheckpointSha256);
        Assert.True(a.UpdatesAccepted >= 1, "a fresh policy should accept at least one improving step");

        PolicyCheckpoint child = PolicyCheckpoint.Load(a.CheckpointPath);
        Assert.Equal(checkpoint.PolicyVersion + a.UpdatesAccepted, child.PolicyVersion);
        Assert.Equal(sha, child.ParentSha256);
        Assert.Equal(sha, Lineage.Of(child)[0]);
        Assert.Contains(Path.GetFullPath(store), child.Extra["retrain.data"]);
        Assert.Equal(checkpoint.TotalSteps + 200, child.TotalSteps);

        // The child accepts data its parent's model logged (one generation back) but not with --max-lag 0.
        Assert.Equal(200, FieldDataLoader.Load([store], child, a.CheckpointSha256, 1).Count);
        var e = Assert.Throws<InvalidDataException>(() => FieldDataLoader.Load([store], child, a.CheckpointSha256, 0));
        Assert.Contains("older than", e.Message);
    }

    [Fact]
    public void Simulated_steps_can_be_mixed_in()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "field.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 2, maxSteps: 30, seed: 2);
        var run = new RetrainRun(checkpoint, sha, new RetrainOptions { Updates = 1, SimSteps = 200, Seed = 1 });
        var reports = new List<RetrainReport>();
        run.Updated += reports.Add;
        run.Run([store], Path.Combine(_dir, "mixed"), () => Sim.EnvRegistry.Make("Pendulum-v1"));
        Assert.Equal(60, reports[0].FieldSteps);
        Assert.Equal(200, reports[0].SimSteps);
    }
}
