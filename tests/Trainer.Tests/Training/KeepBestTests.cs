using System.Globalization;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Metrics;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Tests.Training;

/// <summary>keep_best: best.safetensors holds the policy of the highest periodic evaluation, survives --resume and
/// Ctrl-C, and the final comparison replays the final evaluation's episodes with it and picks the higher scorer.
/// The runs are CartPole-v1 with the shipped settings but a trust region fifty times as wide (target_kl 0.5): the
/// policy jumps far at every update, so its evaluations rise and fall. Seed 0 peaks at step 12,288 (a 3-episode
/// evaluation of 500) and ends lower (232 over 10 episodes), so the best wins; seed 2's best periodic evaluation
/// (339 at step 3,072) was luck of three episodes (134 over ten), so the final policy wins.</summary>
public sealed class KeepBestTests : IDisposable
{
    private const long Update = 1024; // 8 environments × 128 steps
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-keepbest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static TrainingOptions Options(ulong seed, long updates) => new()
    {
        EnvId = "CartPole-v1", Seed = seed, TotalSteps = updates * Update, NumEnvs = 8, StepsPerEnv = 128, Hidden = [64, 64],
        NormalizeObservations = true, EvalEvery = 1, EvalEpisodes = 3, FinalEvalEpisodes = 10, VideoEvery = 0, CheckpointEvery = 0,
        Trpo = new()
        {
            Gamma = 0.99, GaeLambda = 0.98, TargetKl = 0.5, CgIterations = 15, CgDamping = 0.001, CriticLearningRate = 0.001,
            CriticEpochs = 10, CriticBatchSize = 128, CriticHeadSolve = true, CriticHeadRidge = 0.001, FvpSubsample = 0.5,
        },
    };

    private static Agent NewAgent(TrainingOptions o)
    {
        IEnv probe = EnvRegistry.Make(o.EnvId);
        return Agent.Create(o, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
    }

    private static TrainingRun NewRun(Agent agent, string dir, IMetricsSink? metrics = null, Action<string>? note = null) =>
        new(agent, () => EnvRegistry.Make(agent.Options.EnvId), dir, metrics) { Note = note };

    /// <summary>A checkpoint's deterministic policy over the run's final-evaluation episodes, evaluated here from the file.</summary>
    private static double[] Replay(string checkpoint, TrainingOptions o, int episodes)
    {
        Agent a = Agent.FromCheckpoint(PolicyCheckpoint.Load(checkpoint));
        return new Evaluator(() => EnvRegistry.Make(o.EnvId), a.Policy, a.Normalizer).Run(episodes, TrainingRun.EvalSeed(o));
    }

    private static float[] Parameters(Agent a)
    {
        var p = new float[a.Policy.ParameterCount];
        a.Policy.GetParameters(p);
        return p;
    }

    [Fact]
    public void The_best_file_is_the_policy_of_the_highest_periodic_evaluation_in_metrics_csv_not_the_last_one()
    {
        TrainingOptions o = Options(0, 16);
        Agent agent = NewAgent(o);
        string dir = Path.Combine(_dir, "run");
        Directory.CreateDirectory(dir);
        var policies = new Dictionary<long, (float[] Policy, ObservationNormState Norm)>();
        TrainingResult result;
        using (var csv = new CsvMetricsWriter(Path.Combine(dir, "metrics.csv")))
        {
            TrainingRun run = NewRun(agent, dir, csv);
            run.Updated += r => policies[r.TotalSteps] = (Parameters(agent), agent.Normalizer.Export());
            result = run.Run(CancellationToken.None);
        }

        // The periodic evaluations as a user sees them: metrics.csv's eval/return_mean, without the final evaluation's row.
        string[] lines = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        string[] header = lines[0].Split(',');
        int stepColumn = Array.IndexOf(header, "step"), evalColumn = Array.IndexOf(header, MetricKeys.EvalReturnMean);
        var periodic = lines.Skip(1).Select(l => l.Split(','))
            .Where(f => f[evalColumn].Length > 0 && long.Parse(f[stepColumn], CultureInfo.InvariantCulture) != result.TotalSteps)
            .Select(f => (Step: long.Parse(f[stepColumn], CultureInfo.InvariantCulture), Return: double.Parse(f[evalColumn], CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(15, periodic.Count); // every update but the last, which the final evaluation covers
        var best = periodic.First(p => p.Return == periodic.Max(q => q.Return)); // the first of equal figures: only a higher one replaces it
        Assert.Equal(12 * Update, best.Step);
        Assert.True(best.Step < periodic[^1].Step && periodic[^1].Return < best.Return, "the setup must peak before its last evaluation");

        Assert.NotNull(result.Best);
        Assert.Equal(best.Step, result.Best.TotalSteps);
        Assert.Equal(best.Return, result.Best.SelectionReturnMean);
        Assert.Equal(PolicyCheckpoint.Sha256Of(Path.Combine(dir, BestPolicyKeeper.FileName)), result.Best.Sha256);
        PolicyCheckpoint file = PolicyCheckpoint.Load(result.Best.Path);
        Assert.Equal(best.Step, file.TotalSteps);
        Agent kept = Agent.FromCheckpoint(file);
        Assert.Equal(policies[best.Step].Policy, Parameters(kept));
        Assert.Equal(policies[best.Step].Norm.Mean, kept.Normalizer.Export().Mean);
        Assert.Equal(policies[best.Step].Norm.Var, kept.Normalizer.Export().Var);
        Assert.NotEqual(policies[result.TotalSteps].Policy, Parameters(kept));
        // The file's policy replays its selecting evaluation exactly: same episodes, same figure.
        Assert.Equal(best.Return, Replay(result.Best.Path, o, o.EvalEpisodes).Average());
        Assert.Equal(best.Return.ToString("R", CultureInfo.InvariantCulture), file.Extra["best.selection_return_mean"]);

        // The selection record describes that file only: an agent trained on from it does not carry it on.
        Assert.DoesNotContain(kept.Extra.Keys, k => k.StartsWith(BestPolicyKeeper.ExtraPrefix, StringComparison.Ordinal));
        Assert.DoesNotContain(PolicyCheckpoint.Load(result.CheckpointPath).Extra.Keys, k => k.StartsWith(BestPolicyKeeper.ExtraPrefix, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0UL, true)]  // peaked at step 12,288 and drifted: the best scores higher over the ten final episodes
    [InlineData(2UL, false)] // the best 3-episode evaluation was luck: over ten episodes the final policy is better
    public void The_final_comparison_replays_the_same_episodes_with_both_policies_and_chooses_the_higher(ulong seed, bool bestWins)
    {
        TrainingOptions o = Options(seed, 16);
        TrainingResult r = NewRun(NewAgent(o), Path.Combine(_dir, "s" + seed)).Run(CancellationToken.None);

        double final = Replay(r.CheckpointPath, o, o.FinalEvalEpisodes).Average();
        double best = Replay(r.Best!.Path, o, o.FinalEvalEpisodes).Average();
        Assert.Equal(final, r.FinalReturnMean, 9);
        Assert.NotNull(r.Comparison);
        Assert.False(r.Comparison.SameAsFinal);
        Assert.Equal(best, r.Comparison.ReturnMean, 9);
        Assert.Equal(bestWins, best > final);
        Assert.Equal(bestWins, r.Comparison.Chosen);
        Assert.Equal(bestWins ? r.Best.Path : r.CheckpointPath, r.ChosenCheckpointPath);
        Assert.Equal(PolicyCheckpoint.Sha256Of(r.ChosenCheckpointPath), r.ChosenCheckpointSha256);
    }

    [Fact]
    public void A_best_that_is_the_final_policy_is_not_evaluated_twice()
    {
        // stop_at_return ends the run right after the evaluation that selected the best: both files hold one policy.
        TrainingResult r = NewRun(NewAgent(Options(0, 16) with { StopAtReturn = 500 }), Path.Combine(_dir, "stop")).Run(CancellationToken.None);
        Assert.Equal(12 * Update, r.TotalSteps);
        Assert.Equal(12 * Update, r.Best!.TotalSteps);
        Assert.True(r.Comparison!.SameAsFinal);
        Assert.False(r.Comparison.Chosen);
        Assert.Equal(r.FinalReturnMean, r.Comparison.ReturnMean);
        Assert.Equal(r.CheckpointPath, r.ChosenCheckpointPath);
    }

    [Fact]
    public void A_resumed_run_keeps_the_best_so_far_and_replaces_it_only_with_a_higher_evaluation()
    {
        string dir = Path.Combine(_dir, "resume");
        TrainingResult first = NewRun(NewAgent(Options(0, 13)), dir).Run(CancellationToken.None);
        Assert.Equal(12 * Update, first.Best!.TotalSteps);
        Assert.Equal(500, first.Best.SelectionReturnMean); // CartPole's ceiling: no later evaluation can beat it
        byte[] bestBytes = File.ReadAllBytes(first.Best.Path);

        var notes = new List<string>();
        Agent resumed = Agent.FromCheckpoint(PolicyCheckpoint.Load(first.CheckpointPath), Options(0, 16));
        TrainingResult second = NewRun(resumed, dir, note: notes.Add).Run(CancellationToken.None);
        Assert.Contains(notes, n => n.Contains("keeping the best so far", StringComparison.Ordinal) && n.Contains("12,288", StringComparison.Ordinal));
        // Without the read-back, the resumed run's first evaluation (step 14,336) would have written a new best file.
        Assert.Equal(bestBytes, File.ReadAllBytes(first.Best.Path));
        Assert.Equal(first.Best, second.Best);
        Assert.Equal(Replay(first.Best.Path, Options(0, 16), 10).Average(), second.Comparison!.ReturnMean, 9);
    }

    [Fact]
    public void A_resumed_run_whose_evaluation_differs_starts_the_best_afresh()
    {
        string dir = Path.Combine(_dir, "changed");
        TrainingResult first = NewRun(NewAgent(Options(0, 13)), dir).Run(CancellationToken.None);
        var notes = new List<string>();
        Agent resumed = Agent.FromCheckpoint(PolicyCheckpoint.Load(first.CheckpointPath), Options(0, 16) with { EvalEpisodes = 4 });
        TrainingResult second = NewRun(resumed, dir, note: notes.Add).Run(CancellationToken.None);
        Assert.Contains(notes, n => n.Contains("3-episode evaluation from seed 1000000; this run evaluates 4 episodes", StringComparison.Ordinal));
        Assert.Equal(14 * Update, second.Best!.TotalSteps); // the first evaluation after the resume
        Assert.Equal(4, second.Best.SelectionEpisodes);
    }

    [Fact]
    public void An_interrupted_run_leaves_the_best_so_far_on_disk()
    {
        string dir = Path.Combine(_dir, "cancel");
        using var stop = new CancellationTokenSource();
        TrainingRun run = NewRun(NewAgent(Options(0, 16)), dir);
        run.Updated += r => { if (r.Update == 5) stop.Cancel(); };
        TrainingResult r = run.Run(stop.Token);
        Assert.True(r.Cancelled);
        Assert.Null(r.Comparison);
        Assert.NotNull(r.Best);
        Assert.Equal(r.Best.Sha256, PolicyCheckpoint.Sha256Of(Path.Combine(dir, BestPolicyKeeper.FileName)));
        Assert.InRange(r.Best.TotalSteps, Update, 5 * Update);
        Assert.Equal(r.CheckpointPath, r.ChosenCheckpointPath);
    }

    [Fact]
    public void A_fresh_run_removes_a_stale_best_file_and_keep_best_off_or_no_periodic_evaluation_writes_none()
    {
        string dir = Path.Combine(_dir, "fresh");
        string stale = Path.Combine(dir, BestPolicyKeeper.FileName);
        Directory.CreateDirectory(dir);
        File.WriteAllText(stale, "left by an earlier run in this folder");
        TrainingResult off = NewRun(NewAgent(Options(0, 3) with { KeepBest = false }), dir).Run(CancellationToken.None);
        Assert.False(File.Exists(stale));
        Assert.Null(off.Best);
        Assert.Null(off.Comparison);

        TrainingResult none = NewRun(NewAgent(Options(0, 3) with { EvalEvery = 0 }), Path.Combine(_dir, "none")).Run(CancellationToken.None);
        Assert.False(File.Exists(Path.Combine(_dir, "none", BestPolicyKeeper.FileName)));
        Assert.Null(none.Best);
    }

    [Fact]
    public void Keep_best_is_on_by_default_and_a_config_key()
    {
        Assert.True(new TrainingOptions().KeepBest);
        TrainingOptions o = TrainingConfig.Parse("Pendulum-v1:\n  keep_best: false\n", "c.yml", "Pendulum-v1", new TrainingOptions());
        Assert.False(o.KeepBest);
        Assert.Contains("\n  keep_best: false\n", TrainingConfig.ToYaml(o));
    }
}
