using System.Globalization;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Bench;

/// <summary>`bench engines [seeds] [env,env]`: the managed engine against the TorchSharp engine (LibTorch CPU, float32,
/// loaded from trainer/torch's build output) on Pendulum-v1 and CartPole-v1 with the shipped configs, seeds 0..N−1.
/// Per run: training throughput (environment steps per second of collection + advantages + policy step + critic
/// fit; evaluation excluded) and the environment steps until the deterministic evaluation first reaches the threshold
/// (CartPole 500, Pendulum −200, confirmed over 100 episodes). A run stops at the threshold. Both engines run in the
/// same process, seeds interleaved, and the table prints the TorchSharp/managed ratio.</summary>
public static class EnginesBench
{
    private sealed record Outcome(string Engine, string EnvId, ulong Seed, long Steps, double Seconds, long? StepsToThreshold, double FinalReturn)
    {
        public double StepsPerSecond => Steps / Math.Max(1e-9, Seconds);
    }

    private static readonly (string EnvId, double Threshold)[] Settings = [("Pendulum-v1", -200), ("CartPole-v1", 500)];

    public static int Run(string[] args)
    {
        int seeds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        string[] envs = args.Length > 1 ? args[1].Split(',') : Settings.Select(s => s.EnvId).ToArray();
        IEngineProvider torch;
        try
        {
            torch = EngineCatalog.Resolve(EngineCatalog.TorchSharp, "cpu");
        }
        catch (NotSupportedException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        var outcomes = new List<Outcome>();
        foreach (var (envId, threshold) in Settings.Where(s => envs.Contains(s.EnvId)))
            for (ulong seed = 0; seed < (ulong)seeds; seed++)
                foreach (IEngineProvider engine in new[] { ManagedEngineProvider.Instance, torch })
                {
                    Outcome o = Train(engine, envId, threshold, seed);
                    outcomes.Add(o);
                    Console.Error.WriteLine($"  {envId} {o.Engine} seed {seed}: {o.StepsPerSecond:N0} steps/s, threshold at {Show(o.StepsToThreshold)} steps, final {o.FinalReturn:F1}");
                }
        Print(outcomes);
        return 0;
    }

    private static Outcome Train(IEngineProvider engine, string envId, double threshold, ulong seed)
    {
        TrainingOptions options = Config(envId) with
        {
            Seed = seed, FinalEvalEpisodes = 100, CheckpointEvery = 0, StopAtReturn = threshold,
        };
        options.Validate();
        IEnv probe = EnvRegistry.Make(envId);
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod, engine);
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-bench-engines-" + Guid.NewGuid().ToString("N"));
        var run = new TrainingRun(agent, () => EnvRegistry.Make(envId), dir) { ReportThreshold = threshold };
        double training = 0;
        run.Updated += r => training += r.Phases.Total;
        try
        {
            TrainingResult result = run.Run(CancellationToken.None);
            return new Outcome(engine.Name, envId, seed, result.TotalSteps, training, result.StepsWhenThresholdCrossed, result.FinalReturnMean);
        }
        finally
        {
            agent.Critic.Dispose();
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static void Print(List<Outcome> outcomes)
    {
        Console.WriteLine();
        Console.WriteLine("| env | engine | training steps/s (median over seeds) | × managed | steps to threshold (seeds 0/1/2…) | mean final return (100 ep.) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var env in outcomes.GroupBy(o => o.EnvId))
        {
            double managed = Median(env.Where(o => o.Engine == EngineCatalog.Managed).Select(o => o.StepsPerSecond));
            foreach (var engine in env.GroupBy(o => o.Engine))
            {
                double sps = Median(engine.Select(o => o.StepsPerSecond));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {env.Key} | {engine.Key} | {sps:N0} | {sps / managed:F3} | {string.Join(" / ", engine.Select(o => Show(o.StepsToThreshold)))} | {engine.Average(o => o.FinalReturn):F1} |"));
            }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] s = values.Order().ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static TrainingOptions Config(string envId)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "trainer", "configs", envId + ".yml");
            if (File.Exists(path)) return TrainingConfig.Load(path, envId, new TrainingOptions { EnvId = envId });
        }
        throw new FileNotFoundException($"trainer/configs/{envId}.yml was not found above {AppContext.BaseDirectory}; run the benchmark from the repository.");
    }

    private static string Show(long? steps) => steps is { } s ? s.ToString("N0", CultureInfo.InvariantCulture) : "not reached";
}
