using System.Diagnostics;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Bench;

/// <summary>`bench train [env] [updates] [key=value ...]`: end-to-end TRPO throughput (collection plus updates, no
/// evaluation) with the shipped config (and any overrides, in the config files' names as with `trainer train --set`),
/// against a baseline measured in the same run — the same environment stepped by a plain loop with constant actions,
/// i.e. what the simulator alone costs. Prints where each update's time goes, the policy step split into its parts.</summary>
public static class TrainBench
{
    public static int Run(string[] args)
    {
        string envId = args.Length > 0 ? args[0] : "Pendulum-v1";
        int updates = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 30;
        string config = Path.Combine(RepoRoot(), "trainer", "configs", envId + ".yml");
        TrainingOptions options = File.Exists(config) ? TrainingConfig.Load(config, envId, new TrainingOptions { EnvId = envId }) : new TrainingOptions { EnvId = envId };
        string[] overrides = args.Skip(2).ToArray();
        if (overrides.Length > 0)
        {
            // The same reader as the config files and `--set`, so the same keys and values are accepted.
            string yaml = "\"" + envId + "\":\n" + string.Concat(overrides.Select(a => "  " + a.Replace("=", ": ", StringComparison.Ordinal) + "\n"));
            options = TrainingConfig.Parse(yaml, "bench train", envId, options);
        }
        options = options with { TotalSteps = (long)updates * options.BatchSize, EvalEvery = 0, CheckpointEvery = 0, FinalEvalEpisodes = 1 };

        double baseline = SimulatorOnly(envId, options.BatchSize * 10);
        IEnv probe = EnvRegistry.Make(envId);
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        var run = new TrainingRun(agent, () => EnvRegistry.Make(envId), Path.Combine(Path.GetTempPath(), "trpoedge-bench-train"));
        var phases = new List<PhaseTimes>();
        var policyTimes = new List<PolicyStepTimes>();
        run.Updated += r => { phases.Add(r.Phases); policyTimes.Add(r.Policy.Times); };
        run.Run(CancellationToken.None);

        // Skip the first updates: JIT, buffer growth and the worker pool's start are not steady state.
        var steady = phases.Skip(Math.Min(5, phases.Count / 3)).ToList();
        var steadyPolicy = policyTimes.Skip(Math.Min(5, phases.Count / 3)).ToList();
        double total = steady.Sum(p => p.Total);
        double sps = steady.Count * options.BatchSize / total;
        Console.WriteLine($"TRPO end-to-end on {envId}: {options.NumEnvs} envs × {options.StepsPerEnv} steps per update, hidden [{string.Join(", ", options.Hidden)}], {options.Trpo.CgIterations} CG iterations, {options.Trpo.CriticEpochs} critic epochs of minibatch {options.Trpo.CriticBatchSize}, Fisher on {options.Trpo.FvpSubsample:P0} of the batch, {steady.Count} steady updates{(overrides.Length > 0 ? ", overrides " + string.Join(" ", overrides) : "")}");
        Console.WriteLine($"{"phase",-24}{"ms/update",12}{"share",10}");
        Print("collect (policy+env)", steady.Average(p => p.Collect), total / steady.Count);
        Print("values + GAE", steady.Average(p => p.Advantages), total / steady.Count);
        Print("policy step (CG, LS)", steady.Average(p => p.PolicyStep), total / steady.Count);
        Print("  stage batch", steadyPolicy.Average(t => t.Stage), total / steady.Count);
        Print("  L and gradient g", steadyPolicy.Average(t => t.Gradient), total / steady.Count);
        Print("  CG (Fisher products)", steadyPolicy.Average(t => t.ConjugateGradient), total / steady.Count);
        Print("  line search", steadyPolicy.Average(t => t.LineSearch), total / steady.Count);
        Print("critic fit (Adam)", steady.Average(p => p.Critic), total / steady.Count);
        Console.WriteLine($"simulator alone (baseline):   {baseline,14:N0} steps/s");
        Console.WriteLine($"training end-to-end:          {sps,14:N0} steps/s   ratio to baseline {sps / baseline:F4}");
        Console.WriteLine($"goal 60,000 steps/s on an idle machine: {(sps >= 60_000 ? "met" : "not met")} here (load average {LoadAverage()})");
        return 0;
    }

    private static void Print(string name, double seconds, double perUpdate) =>
        Console.WriteLine($"{name,-24}{seconds * 1e3,12:F2}{seconds / perUpdate,10:P1}");

    private static double SimulatorOnly(string envId, int steps)
    {
        IEnv env = EnvRegistry.Make(envId);
        var obs = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace.FlatSize];
        env.Reset(0, obs);
        for (int i = 0; i < 1000; i++) if (env.Step(action, obs).Done) env.Reset(null, obs);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) if (env.Step(action, obs).Done) env.Reset(null, obs);
        return steps / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The 1-minute load average (Linux), so a figure taken on a busy machine says so.</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TrpoEdge.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
