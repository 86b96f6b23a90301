using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Trainer.Retraining;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Retraining;

public sealed class ImprovementGuardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-guard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_estimate_is_the_mean_weighted_advantage_with_an_episode_clustered_standard_error()
    {
        // Two episodes: steps 0-2 and 3-4. (ρ − 1)·Â per step: 0.5·2, −0.5·1, 0·7 | 1·1, 0.25·4 → episode sums 0.5 and 2.
        double[] ratios = [1.5, 0.5, 1.0, 2.0, 1.25];
        float[] advantages = [2, 1, 7, 1, 4];
        ImprovementEstimate e = ImprovementEstimate.Of(ratios, advantages, [0, 3]);
        Assert.Equal(2.5 / 5, e.Gain, 12);
        // Episode sums 0.5, 2 → mean 1.25, Σ(g − ḡ)² = 1.125, ×E/(E−1) = 2.25 → sqrt 1.5, / N = 0.3.
        Assert.Equal(0.3, e.StandardError, 12);
        Assert.Equal(0.5 - 2 * 0.3, e.LowerBound(2), 12);
        // On-policy (all ratios 1): no change, no gain, no spread.
        ImprovementEstimate none = ImprovementEstimate.Of([1.0, 1.0, 1.0], [3f, -2f, 5f], [0, 1]);
        Assert.Equal(0, none.Gain);
        Assert.Equal(0, none.StandardError);
    }

    [Fact]
    public void The_guard_keeps_the_update_with_the_best_lower_bound_and_its_policy_is_that_iterates()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "field.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 6, maxSteps: 100, seed: 4);
        var options = new RetrainOptions { Updates = 8, BehaviourKl = 0.5, MinEffectiveSampleFraction = 0, Seed = 3, ImprovementGuard = 0 };
        var seen = new List<RetrainReport>();
        var run = new RetrainRun(checkpoint, sha, options);
        run.Updated += seen.Add;
        RetrainResult guarded = run.Run([store], Path.Combine(_dir, "guarded"));

        Assert.All(seen, r => Assert.True(double.IsFinite(r.ImprovementGain) && double.IsFinite(r.ImprovementStandardError)));
        RetrainReport best = seen.Where(r => r.Policy.LineSearchSuccess).MaxBy(r => r.ImprovementGain)!;
        Assert.True(best.ImprovementGain > 0, "an accepted TRPO step raises the surrogate, so some iterate gains on its own data");
        Assert.Equal(best.Update, guarded.Reports[^1].Update);
        int acceptedUpToBest = seen.Count(r => r.Update <= best.Update && r.Policy.LineSearchSuccess);
        Assert.Equal(acceptedUpToBest, guarded.UpdatesAccepted);
        PolicyCheckpoint child = PolicyCheckpoint.Load(guarded.CheckpointPath!);
        Assert.Equal(checkpoint.PolicyVersion + acceptedUpToBest, child.PolicyVersion);

        // The kept policy is exactly the one an unguarded retrain stopped at that update reaches.
        RetrainResult cut = new RetrainRun(checkpoint, sha, options with { ImprovementGuard = null, Updates = best.Update }).Run([store], Path.Combine(_dir, "cut"));
        Assert.Equal(Parameters(cut.CheckpointPath!), Parameters(guarded.CheckpointPath!));
    }

    [Fact]
    public void When_no_iterate_beats_the_acting_policy_by_the_margin_nothing_is_written()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "field.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 4, maxSteps: 50, seed: 7);
        var options = new RetrainOptions { Updates = 3, Seed = 5 };
        RetrainResult free = new RetrainRun(checkpoint, sha, options).Run([store], Path.Combine(_dir, "free"));
        Assert.True(free.UpdatesAccepted >= 1, "without the guard this log gives an accepted update");

        // Four short episodes cannot vouch for a gain by ten standard errors.
        RetrainResult strict = new RetrainRun(checkpoint, sha, options with { ImprovementGuard = 10 }).Run([store], Path.Combine(_dir, "strict"));
        Assert.Null(strict.CheckpointPath);
        Assert.Equal(0, strict.UpdatesAccepted);
        Assert.Equal(checkpoint.PolicyVersion, strict.PolicyVersion);
        Assert.Contains("improvement guard", strict.StoppedBecause);
        Assert.False(File.Exists(Path.Combine(_dir, "strict", "ckpt.safetensors")));
    }

    private static float[] Parameters(string checkpointPath)
    {
        Agent a = Agent.FromCheckpoint(PolicyCheckpoint.Load(checkpointPath));
        var p = new float[a.Policy.ParameterCount];
        a.Policy.GetParameters(p);
        return p;
    }
}
