using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Trainer.Retraining;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Retraining;

public sealed class RetrainTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-retrain-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

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
    public void Data_from_an_unrelated_or_unknown_policy_is_refused()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "other.db");
        FieldLog.Write(store, agent, "Pendulum-v1", new string('a', 64), episodes: 1, maxSteps: 10, seed: 1);
        var e = Assert.Throws<InvalidDataException>(() => FieldDataLoader.Load([store], checkpoint, sha, 3));
        Assert.Contains("unrelated policy", e.Message);
        string anonymous = Path.Combine(_dir, "anonymous.db");
        FieldLog.Write(anonymous, agent, "Pendulum-v1", null, episodes: 1, maxSteps: 10, seed: 1);
        e = Assert.Throws<InvalidDataException>(() => FieldDataLoader.Load([anonymous], checkpoint, sha, 3));
        Assert.Contains("unknown acting policy", e.Message);
        Assert.Contains("run 1 episode 1000000000", e.Message);
    }

    [Fact]
    public void A_run_logged_without_exploration_is_refused_and_named()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "deterministic.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 2, maxSteps: 10, seed: 1, corrupt: (_, _, _, _) => double.NaN);
        var e = Assert.Throws<InvalidDataException>(() => FieldDataLoader.Load([store], checkpoint, sha, 0));
        Assert.Contains("run 1 episode 1000000000", e.Message);
        Assert.Contains("without --explore", e.Message);
        // Next to usable data the run is skipped, not learned from.
        string good = Path.Combine(_dir, "good.db");
        FieldLog.Write(good, agent, "Pendulum-v1", sha, episodes: 1, maxSteps: 10, seed: 2);
        Assert.Equal(10, FieldDataLoader.Load([store, good], checkpoint, sha, 0).Count);
    }

    [Fact]
    public void A_NaN_log_probability_inside_an_exploration_episode_stops_the_retrain_naming_run_episode_and_step()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "nan.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 3, maxSteps: 20, seed: 1,
            corrupt: (e, t, _, lp) => e == 1 && t == 7 ? double.NaN : lp);
        var ex = Assert.Throws<InvalidDataException>(() => new RetrainRun(checkpoint, sha, new RetrainOptions()).Run([store], Path.Combine(_dir, "out")));
        Assert.Contains("run 1 episode 1000000001", ex.Message);
        Assert.Contains("step 7: behaviour log-probability is NaN", ex.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "out", "ckpt.safetensors")));
    }

    [Fact]
    public void A_non_finite_observation_stops_the_retrain_naming_the_step()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "nanobs.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 2, maxSteps: 20, seed: 1,
            corrupt: (e, t, obs, lp) => { if (e == 0 && t == 12) obs[1] = float.PositiveInfinity; return lp; });
        var ex = Assert.Throws<InvalidDataException>(() => FieldDataLoader.Load([store], checkpoint, sha, 0));
        Assert.Contains("episode 1000000000 (#0 of the run) step 12: observation[1] is ∞", ex.Message.Replace("Infinity", "∞"));
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
    public void An_episode_still_being_written_is_refused_while_its_finished_episodes_are_used()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "live.db");
        var run = new RunInfo
        {
            EnvId = "Pendulum-v1", ObservationSpace = checkpoint.ObservationSpace, ActionSpace = checkpoint.ActionSpace,
            CheckpointSha256 = sha, PolicyVersion = checkpoint.PolicyVersion,
        };
        var batch = FieldDataLoader.Load([WriteLive(store, run, agent, out TrajectoryWriter writer)], checkpoint, sha, 0);
        try
        {
            Assert.Equal(1, batch.Episodes);   // the finished one
            Assert.Equal(15, batch.Count);
        }
        finally
        {
            writer.Dispose();
        }
        // Once the writer has closed the run the cut episode is a truncation like any crash's.
        Assert.Equal(2, FieldDataLoader.Load([store], checkpoint, sha, 0).Episodes);
    }

    private static string WriteLive(string store, RunInfo run, Agent agent, out TrajectoryWriter writer)
    {
        writer = TrajectoryWriter.Open(store, run, new TrajectoryWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(1) });
        var obs = new float[3];
        var action = new float[1];
        var outputs = new float[1];
        var rng = new TrpoEdge.Sim.Random.Pcg64(3);
        for (int e = 0; e < 2; e++)
        {
            writer.BeginEpisode();
            for (int t = 0; t < 15; t++)
            {
                obs[0] = MathF.Cos(t); obs[1] = MathF.Sin(t); obs[2] = t * 0.1f;
                agent.Policy.Forward(obs, 1, outputs);
                double lp = agent.Policy.Sample(outputs, rng, action);
                writer.Append(new StepRecord(obs, action, -1, lp, run.PolicyVersion));
            }
            if (e == 0) writer.EndEpisode(false, true, obs);
        }
        var wait = System.Diagnostics.Stopwatch.StartNew();
        while (writer.CommittedSteps < 30 && wait.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(5);
        Assert.Equal(30, writer.CommittedSteps);
        return store;
    }

    [Fact]
    public void Episodes_carry_their_own_acting_policy_and_lag_is_counted_in_accepted_updates()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string first = Path.Combine(_dir, "first.db");
        FieldLog.Write(first, agent, "Pendulum-v1", sha, episodes: 4, maxSteps: 50, seed: 7);
        RetrainResult child = new RetrainRun(checkpoint, sha, new RetrainOptions { Updates = 3, Seed = 5 }).Run([first], Path.Combine(_dir, "child"));
        Assert.True(child.UpdatesAccepted >= 1);
        PolicyCheckpoint childCheckpoint = PolicyCheckpoint.Load(child.CheckpointPath!);
        Agent childAgent = Agent.FromCheckpoint(childCheckpoint);

        // One run in which the runtime switched policy between episodes (runtime --follow-policy): episode 0 acted with
        // the parent, episode 1 with the child. The run row still names the parent.
        string mixed = Path.Combine(_dir, "mixed.db");
        var parentPolicy = new ActingPolicy(checkpoint.PolicyVersion, sha, null);
        var childPolicy = new ActingPolicy(childCheckpoint.PolicyVersion, child.CheckpointSha256, null);
        FieldLog.Write(mixed, agent, "Pendulum-v1", sha, episodes: 2, maxSteps: 10, seed: 1, actingPolicy: e => e == 0 ? parentPolicy : childPolicy);
        using (TrajectoryReader reader = TrajectoryReader.Open(mixed))
            Assert.Equal(new ActingPolicy?[] { parentPolicy, childPolicy }, reader.ReadEpisodes().Select(e => e.Policy).ToList());

        FieldBatch batch = FieldDataLoader.Load([mixed], childCheckpoint, child.CheckpointSha256!, maxPolicyLag: child.UpdatesAccepted);
        Assert.Equal(2, batch.Groups.Count);
        Assert.Equal(child.UpdatesAccepted, batch.Groups[batch.EpisodeGroups[0]].Lag);
        Assert.Equal(0, batch.Groups[batch.EpisodeGroups[1]].Lag);
        Assert.True(batch.Groups[batch.EpisodeGroups[1]].IsCheckpoint);

        // Lag is counted in accepted updates, not in checkpoints: one checkpoint back is already too old for
        // --max-lag (accepted − 1).
        var e2 = Assert.Throws<InvalidDataException>(() => FieldDataLoader.Load([first], childCheckpoint, child.CheckpointSha256!, child.UpdatesAccepted - 1));
        Assert.Contains($"{child.UpdatesAccepted} accepted updates older", e2.Message);
        _ = childAgent;
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

        PolicyCheckpoint child = PolicyCheckpoint.Load(a.CheckpointPath!);
        Assert.Equal(checkpoint.PolicyVersion + a.UpdatesAccepted, child.PolicyVersion);
        Assert.Equal(sha, child.ParentSha256);
        Assert.Equal(sha, Lineage.Of(child)[0]);
        Assert.Contains(Path.GetFullPath(store), child.Extra["retrain.data"]);
        Assert.Equal(checkpoint.TotalSteps + 200, child.TotalSteps);
        Assert.Equal(200, FieldDataLoader.Load([store], child, a.CheckpointSha256!, a.UpdatesAccepted).Count);
    }

    [Fact]
    public void Freezing_log_std_keeps_the_checkpoints_exploration_and_spends_the_behaviour_bound_on_the_mean()
    {
        var (agent, checkpoint, _, sha) = FieldLog.TrainedAgent(_dir);
        string store = Path.Combine(_dir, "field.db");
        FieldLog.Write(store, agent, "Pendulum-v1", sha, episodes: 6, maxSteps: 100, seed: 4);
        Agent Retrain(bool freeze, string name, out RetrainResult result)
        {
            result = new RetrainRun(checkpoint, sha, new RetrainOptions { Updates = 6, BehaviourKl = 0.05, FreezeLogStd = freeze, MinEffectiveSampleFraction = 0, Seed = 3 })
                .Run([store], Path.Combine(_dir, name));
            Assert.True(result.UpdatesAccepted >= 2, $"{name}: {result.UpdatesAccepted} updates accepted");
            Assert.InRange(result.Reports[^1].BehaviourKl, 0, 0.05); // the behaviour bound holds either way
            return Agent.FromCheckpoint(PolicyCheckpoint.Load(result.CheckpointPath!));
        }

        Agent frozen = Retrain(true, "frozen", out _);
        Assert.Equal(agent.Policy.Head.ToArray(), frozen.Policy.Head.ToArray());
        Assert.NotEqual(agent.Policy.Network.Parameters.ToArray(), frozen.Policy.Network.Parameters.ToArray());
        Agent free = Retrain(false, "free", out _);
        Assert.NotEqual(agent.Policy.Head.ToArray(), free.Policy.Head.ToArray()); // without the freeze log σ moves
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

    [Fact]
    public void A_checkpoint_whose_training_options_cannot_be_read_is_refused_instead_of_defaulted()
    {
        var (_, checkpoint, _, _) = FieldLog.TrainedAgent(_dir);
        var broken = checkpoint with { Hyperparameters = "{\"Trpo\": {\"Gamma\": " };
        var e = Assert.Throws<InvalidDataException>(() => Agent.FromCheckpoint(broken));
        Assert.Contains("training options cannot be read", e.Message);
        e = Assert.Throws<InvalidDataException>(() => Agent.FromCheckpoint(checkpoint with { Hyperparameters = "" }));
        Assert.Contains("stores no training options", e.Message);
        // The stored options are really used: the checkpoint's γ, not the default 0.99.
        Agent source = Agent.FromCheckpoint(checkpoint, Agent.StoredOptions(checkpoint) with { Trpo = new() { Gamma = 0.95 } });
        string path = Path.Combine(_dir, "gamma.safetensors");
        source.ToCheckpoint().Save(path);
        Assert.Equal(0.95, Agent.FromCheckpoint(PolicyCheckpoint.Load(path)).Options.Trpo.Gamma);
    }
}
