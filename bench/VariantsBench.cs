using System.Globalization;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Constraints;
using TrpoEdge.Trainer.Sampling;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Bench;

/// <summary>`bench variants [seeds] [env,env]`: single path vs vine vs KL penalty (the sampling and constraint variants) on CartPole-v1 and
/// Pendulum-v1, several seeds each, from the shipped configs. Per run: environment steps — all of them, the vine's
/// branch steps included — until the deterministic evaluation (10 episodes, confirmed over 100) first reaches the
/// threshold, the wall time spent training (evaluation excluded) to get there and over the whole budget, and the 100-episode deterministic return at the end of the
/// budget. Every variant gets the same budget and an evaluation after every update, and the summary prints each
/// variant's ratios to single path measured in the same run.</summary>
public static class VariantsBench
{
    private sealed record Setting(string EnvId, double Threshold, long Budget, Func<TrainingOptions, TrainingOptions> Vine);

    private sealed record Outcome(string Variant, ulong Seed, long? StepsToThreshold, double? SecondsToThreshold, double Seconds, long Steps, double FinalReturn);

    private static readonly Setting[] Settings =
    [
        // CartPole: two actions, so every state branches on both (the exact sum); short bootstrapped branches.
        new("CartPole-v1", 475, 150_000, o => o with
        {
            Sampling = SamplingScheme.Vine, Vine = new VineOptions { States = 128, Horizon = 20 },
        }),
        // Pendulum: a smaller trunk leaves room in the budget for the branches.
        new("Pendulum-v1", -200, 500_000, o => o with
        {
            NumEnvs = 8, Sampling = SamplingScheme.Vine, Vine = new VineOptions { States = 100, Actions = 4, Horizon = 10 },
        }),
    ];

    public static int Run(string[] args)
    {
        int seeds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        string[] envs = args.Length > 1 ? args[1].Split(',') : Settings.Select(s => s.EnvId).ToArray();
        var all = new List<(Setting Setting, List<Outcome> Outcomes)>();
        foreach (Setting setting in Settings.Where(s => envs.Contains(s.EnvId)))
        {
            TrainingOptions baseline = Config(setting.EnvId) with
            {
                TotalSteps = setting.Budget, EvalEvery = 1, EvalEpisodes = 10, FinalEvalEpisodes = 100, CheckpointEvery = 0, StopAtReturn = null,
            };
            var variants = new (string Name, TrainingOptions Options)[]
            {
                ("single path", baseline),
                ("vine", setting.Vine(baseline)),
                ("KL penalty", baseline with { Constraint = PolicyConstraint.Penalty }),
            };
            var outcomes = new List<Outcome>();
            foreach (var (name, options) in variants)
                for (ulong seed = 0; seed < (ulong)seeds; seed++)
                {
                    Outcome o = Train(name, options with { Seed = seed }, setting.Threshold);
                    outcomes.Add(o);
                    Console.Error.WriteLine($"  {setting.EnvId} {name} seed {seed}: threshold at {Show(o.StepsToThreshold)} steps, final {o.FinalReturn:F1}, {o.Seconds:F1} s");
                }
            all.Add((setting, outcomes));
        }
        foreach (var (setting, outcomes) in all) Print(setting, outcomes);
        return 0;
    }

    private static Outcome Train(string variant, TrainingOptions options, double threshold)
    {
        options.Validate();
        IEnv probe = EnvRegistry.Make(options.EnvId);
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-bench-variants-" + Guid.NewGuid().ToString("N"));
        var run = new TrainingRun(agent, () => EnvRegistry.Make(options.EnvId), dir) { ReportThreshold = threshold };
        // Training time only (collection, branches, policy step, critic): evaluating after every update is the
        // benchmark's measuring instrument, and it would otherwise charge variants with more updates for more evaluations.
        double training = 0;
        var trainingAt = new Dictionary<long, double>();
        run.Updated += r => trainingAt[r.TotalSteps] = training += r.Phases.Total;
        try
        {
            TrainingResult result = run.Run(CancellationToken.None);
            double? toThreshold = result.StepsWhenThresholdCrossed is { } s ? trainingAt.GetValueOrDefault(s, training) : null;
            return new Outcome(variant, options.Seed, result.StepsWhenThresholdCrossed, toThreshold, training, result.TotalSteps, result.FinalReturnMean);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static void Print(Setting setting, List<Outcome> outcomes)
    {
        Console.WriteLine();
        Console.WriteLine($"### {setting.EnvId}: threshold {setting.Threshold}, budget {setting.Budget:N0} environment steps (branch steps included)");
        Console.WriteLine();
        Console.WriteLine("| variant | seed | steps to threshold | training s to threshold | training s, whole budget | final return (100 ep.) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (Outcome o in outcomes)
            Console.WriteLine($"| {o.Variant} | {o.Seed} | {Show(o.StepsToThreshold)} | {(o.SecondsToThreshold is { } w ? w.ToString("F1", CultureInfo.InvariantCulture) : "—")} | {o.Seconds:F1} | {o.FinalReturn:F1} |");
        Console.WriteLine();
        Console.WriteLine("| variant | reached | median steps to threshold | ratio to single path | median training s to threshold | ratio | mean final return |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var groups = outcomes.GroupBy(o => o.Variant).ToList();
        double? baseSteps = MedianSteps(groups[0].ToList()), baseWall = MedianWall(groups[0].ToList());
        foreach (var g in groups)
        {
            var list = g.ToList();
            double? steps = MedianSteps(list), wall = MedianWall(list);
            Console.WriteLine($"| {g.Key} | {list.Count(o => o.StepsToThreshold is not null)}/{list.Count} | {Show(steps)} | {Ratio(steps, baseSteps)} | {(wall is { } w ? w.ToString("F1", CultureInfo.InvariantCulture) : "—")} | {Ratio(wall, baseWall)} | {list.Average(o => o.FinalReturn):F1} |");
        }
    }

    /// <summary>Median over seeds, a run that never reached the threshold counting as infinitely slow; null when
    /// the median itself did not reach it.</summary>
    private static double? MedianSteps(List<Outcome> list) => Median(list.Select(o => o.StepsToThreshold is { } s ? (double)s : double.PositiveInfinity));

    private static double? MedianWall(List<Outcome> list) => Median(list.Select(o => o.SecondsToThreshold ?? double.PositiveInfinity));

    private static double? Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        double m = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return double.IsFinite(m) ? m : null;
    }

    private static string Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b > 0 ? (v / b).ToString("F2", CultureInfo.InvariantCulture) + "×" : "—";

    private static string Show(double? steps) => steps is { } s ? s.ToString("N0", CultureInfo.InvariantCulture) : "not reached";

    private static string Show(long? steps) => Show((double?)steps);

    private static TrainingOptions Config(string envId)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "trainer", "configs", envId + ".yml");
            if (File.Exists(path)) return TrainingConfig.Load(path, envId, new TrainingOptions { EnvId = envId });
        }
        throw new FileNotFoundException($"trainer/configs/{envId}.yml was not found above {AppContext.BaseDirectory}; run the benchmark from the repository.");
    }
}
