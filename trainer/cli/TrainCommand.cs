using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrpoEdge.Trainer.Video;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Files;
using TrpoEdge.Exporter;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Gpu.Device;
using TrpoEdge.Trainer.Gpu.Engines;
using TrpoEdge.Trainer.Gpu.Training;
using TrpoEdge.Trainer.Metrics;
using TrpoEdge.Trainer.Retraining;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Cli;

/// <summary>`trainer train`: runs TRPO on a simulated environment, writing checkpoints, TensorBoard/CSV metrics,
/// a learning-curve SVG and the exported policy.onnx into the run directory.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = $"Environment id ({string.Join(", ", EnvRegistry.Ids)}) or a rig file such as hardware/rigs/direct-drive.yaml. The MuJoCo ids need the Debian package libmujoco2.2.2, the Box2D ids libbox2d-dev; `trainer list` shows which are available.", DefaultValueFactory = _ => "Pendulum-v1" };
        var config = new Option<string?>("--config") { Description = "RL-Zoo-style YAML hyperparameter file. Default: configs/<env>.yml shipped with the trainer, if there is one." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed for networks, exploration noise and environments (default 0)." };
        var totalSteps = new Option<long?>("--total-steps") { Description = "Environment steps to train for (default: the config's n_timesteps, 500000 without one; a resumed run counts its earlier steps). Training runs whole updates of n_envs × n_steps, so it stops at the first multiple at or past this, and says so." };
        var nEnvs = new Option<int?>("--n-envs") { Description = "Environments stepped in parallel per rollout (default: the config's n_envs, 16 without one)." };
        var output = new Option<string?>("--out") { Description = "Run directory. Default: runs/<env>-seed<N>." };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint (.safetensors): networks, normaliser, critic optimiser, step count and, for --constraint penalty runs, β and the policy optimiser." };
        var set = new Option<string[]>("--set") { Description = "Override a config setting, e.g. --set gamma=0.9 --set target_kl=0.02 (repeatable).", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var threshold = new Option<double?>("--threshold") { Description = "Report the step at which the deterministic evaluation first reaches this return (default: the environment's usual threshold)." };
        var noExport = new Option<bool>("--no-export") { Description = "Do not write policy.onnx." };
        var keepBest = new Option<bool?>("--keep-best") { Description = "true (default) or false; config key keep_best. Whenever a periodic evaluation (every eval_every updates) beats all earlier ones, the whole checkpoint is written to best.safetensors; at the end the final and the best policy play the same final_eval_episodes episodes and policy.onnx is exported from the higher scorer (a tie keeps the final one); the summary and --summary-json give both figures. A resumed run keeps its folder's best.safetensors. Needs eval_every > 0." };
        var summaryJson = SummaryJson.CreateOption();
        var force = new Option<bool>("--force") { Description = "Start over in an --out folder that already holds files (its checkpoint, model and metrics are replaced). Without it an existing, non-empty run folder is refused unless --resume is given." };
        var sampling = new Option<string?>("--sampling") { Description = "single_path (default) or vine: branch rollouts from saved simulator states (Schulman et al. 2015, §5.2)." };
        var vineStates = new Option<int?>("--vine-states") { Description = "Vine: N, trunk states per update that branches start from." };
        var vineActions = new Option<int?>("--vine-actions") { Description = "Vine: K, actions per state for Box actions (Discrete ones branch on every action)." };
        var vineHorizon = new Option<int?>("--vine-horizon") { Description = "Vine: T, steps per branch rollout." };
        var constraint = new Option<string?>("--constraint") { Description = "trust_region (default) or penalty: maximise surrogate − β·KL with Adam, adapting β." };
        var penaltyEpochs = new Option<int?>("--penalty-epochs") { Description = "Penalty: passes over each batch." };
        var penaltyLr = new Option<double?>("--penalty-lr") { Description = "Penalty: the policy's Adam learning rate." };
        var penaltyBeta = new Option<double?>("--penalty-beta-init") { Description = "Penalty: β of the first update." };
        var engine = new Option<string>("--engine") { Description = "What computes the networks and their derivatives: managed (default; the built-in engine, fastest at these sizes) or torchsharp (LibTorch 2.10 CPU autograd; build it first with `dotnet build trainer/torch -c Release`). Same TRPO, same checkpoint and ONNX either way.", DefaultValueFactory = _ => EngineCatalog.Managed };
        var device = new Option<string>("--device") { Description = "cpu (default), or cuda[:N]: with the default engine, the GPU engine (ILGPU over the CUDA driver) runs the environments, rollouts and the whole update on NVIDIA GPU N — give it thousands of environments with --n-envs; Pendulum-v1, CartPole-v1 and rig files, single-path trust-region TRPO. With --engine torchsharp, cuda needs a CUDA LibTorch, which this build does not have, so it is refused with a message. Without a CUDA device, cuda is refused with a message (exit 2).", DefaultValueFactory = _ => "cpu" };
        var command = new Command("train", "Train a policy with TRPO in simulation.") { env, config, seed, totalSteps, nEnvs, output, resume, force, set, threshold, noExport, keepBest, summaryJson,
            sampling, vineStates, vineActions, vineHorizon, constraint, penaltyEpochs, penaltyLr, penaltyBeta, engine, device };
        command.SetAction((parse, cancellation) => CliErrors.Guard(async () =>
        {
            // The variant flags are config keys applied after --set, so flags and files go through one reader.
            string[] overrides = [.. parse.GetValue(set) ?? [], .. VariantOverrides(
                ("sampling", parse.GetValue(sampling)), ("vine_states", Invariant(parse.GetValue(vineStates))),
                ("vine_actions", Invariant(parse.GetValue(vineActions))), ("vine_horizon", Invariant(parse.GetValue(vineHorizon))),
                ("constraint", parse.GetValue(constraint)), ("penalty_epochs", Invariant(parse.GetValue(penaltyEpochs))),
                ("penalty_lr", Invariant(parse.GetValue(penaltyLr))), ("penalty_beta_init", Invariant(parse.GetValue(penaltyBeta))),
                ("keep_best", parse.GetValue(keepBest) is { } keep ? (keep ? "true" : "false") : null))];
            TrainingOptions options = ResolveOptions(parse.GetValue(env)!, parse.GetValue(config), overrides,
                parse.GetValue(seed), parse.GetValue(totalSteps), parse.GetValue(nEnvs));
            string runDir = parse.GetValue(output) ?? Path.Combine("runs", $"{SafeName(EnvRegistry.Make(options.EnvId).Id)}-seed{options.Seed}");
            CheckRunFolder(runDir, parse.GetValue(resume), parse.GetValue(force));
            string? json = parse.GetValue(summaryJson);
            if (json is not null) FilePaths.EnsureNotAnInput("--summary-json", json, ("--resume", parse.GetValue(resume)), ("--config", parse.GetValue(config)));
            string engineName = parse.GetValue(engine)!, deviceText = parse.GetValue(device)!;
            DeviceSpec deviceSpec = DeviceSpec.Parse(deviceText);
            bool onGpu = deviceSpec.IsCuda && string.Equals(engineName.Trim(), EngineCatalog.Managed, StringComparison.OrdinalIgnoreCase);
            IEngineProvider? engines = onGpu ? null : EngineCatalog.Resolve(engineName, deviceText);
            using var interrupt = Interrupt.Install("finishing the current update, then saving a checkpoint", cancellation);
            double? limit = parse.GetValue(threshold) ?? DefaultThreshold(options.EnvId);
            return onGpu
                ? await RunOnGpu(options, deviceSpec, runDir, parse.GetValue(resume), limit, !parse.GetValue(noExport), json, interrupt.Token)
                : await Run(options, engines!, null, runDir, parse.GetValue(resume), limit, !parse.GetValue(noExport), json, interrupt.Token);
        }));
        return command;
    }

    /// <summary>Defaults, then the config file (section named by the environment's canonical id, e.g.
    /// "Rig:direct-drive" for hardware/rigs/direct-drive.yaml), then --set, then the explicit flags.</summary>
    internal static TrainingOptions ResolveOptions(string envId, string? configPath, IEnumerable<string> overrides, ulong? seed, long? totalSteps, int? nEnvs)
    {
        string canonical = EnvRegistry.Make(envId).Id;
        var options = new TrainingOptions { EnvId = canonical };
        string shipped = Path.Combine(AppContext.BaseDirectory, "configs", SafeName(canonical) + ".yml");
        if (configPath is not null) options = TrainingConfig.Load(configPath, canonical, options);
        else if (File.Exists(shipped)) options = TrainingConfig.Load(shipped, canonical, options);
        options = OverrideParser.Apply(options, overrides) with { EnvId = envId };
        if (seed is { } s) options = options with { Seed = s };
        if (totalSteps is { } t) options = options with { TotalSteps = t };
        if (nEnvs is { } n) options = options with { NumEnvs = n };
        options.Validate();
        return options;
    }

    /// <summary>A run folder is never reused by accident: it may be new or empty; one that holds files needs
    /// --resume (continue a run) or --force (start over, replacing its files). A file is never a run folder.</summary>
    internal static void CheckRunFolder(string runDir, string? resume, bool force)
    {
        if (File.Exists(runDir))
            throw new ArgumentException($"--out {runDir} is a file, not a folder; give a folder for the run (it is created if missing).");
        if (resume is not null && Directory.Exists(resume))
            throw new ArgumentException($"--resume {resume} is a folder; give the checkpoint file inside it, e.g. {Path.Combine(resume, "ckpt.safetensors")}.");
        if (!Directory.Exists(runDir) || !Directory.EnumerateFileSystemEntries(runDir).Any() || force || resume is not null) return;
        string checkpoint = Path.Combine(runDir, "ckpt.safetensors");
        throw new ArgumentException($"--out {runDir} already holds a run{(File.Exists(checkpoint) ? $" ({checkpoint})" : "")}: "
            + $"pass --resume {checkpoint} to continue it, --force to start over and replace its files, or choose another --out.");
    }

    private static IEnumerable<string> VariantOverrides(params (string Key, string? Value)[] flags) =>
        flags.Where(f => f.Value is not null).Select(f => $"{f.Key}={f.Value}");

    private static string? Invariant(IFormattable? value) => value?.ToString(null, CultureInfo.InvariantCulture);

    internal static double? DefaultThreshold(string envId) => envId switch
    {
        "Pendulum-v1" => -200,
        "CartPole-v1" => 500,
        "Acrobot-v1" => -100,
        "MountainCarContinuous-v0" => 90,
        "Hopper-v4" => 3000,
        "HalfCheetah-v4" => 4000,
        // Gymnasium's reward_threshold for the Box2D environments.
        "LunarLander-v2" or "LunarLanderContinuous-v2" => 200,
        "BipedalWalker-v3" => 300,
        _ => null,
    };

    internal static string SafeName(string envId) =>
        string.Concat(Path.GetFileNameWithoutExtension(envId).Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_'));

    /// <summary>--device cuda[:N]: the GPU engine and its device-resident loop; the device is opened before anything
    /// is written, so a machine without CUDA gets one clear error line.</summary>
    private static async Task<int> RunOnGpu(TrainingOptions options, DeviceSpec spec, string runDir, string? resumePath, double? threshold, bool export, string? summaryJson, CancellationToken cancellation)
    {
        using GpuDevice gpu = GpuDevice.OpenCuda(spec.Ordinal);
        AnsiConsole.MarkupLineInterpolated($"GPU: [bold]{gpu.Name}[/] ({spec})");
        return await Run(options, new GpuEngineProvider(gpu), gpu, runDir, resumePath, threshold, export, summaryJson, cancellation);
    }

    private static async Task<int> Run(TrainingOptions options, IEngineProvider engines, GpuDevice? gpu, string runDir, string? resumePath, double? threshold, bool export, string? summaryJson, CancellationToken cancellation)
    {
        IEnv probe = EnvRegistry.Make(options.EnvId);
        Agent agent;
        if (resumePath is not null)
        {
            PolicyCheckpoint checkpoint = PolicyCheckpoint.Load(resumePath);
            if (checkpoint.EnvId != probe.Id)
                throw new ArgumentException($"--resume {resumePath} was trained on {checkpoint.EnvId}, not {probe.Id}; pass --env {checkpoint.EnvId}.");
            agent = Agent.FromCheckpoint(checkpoint, options, engines);
            agent.ParentSha256 = PolicyCheckpoint.Sha256Of(resumePath);
            agent.Extra[Lineage.Key] = Lineage.ForChildOf(checkpoint, agent.ParentSha256);
        }
        else
        {
            agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod, engines);
        }

        Directory.CreateDirectory(runDir);
        File.WriteAllText(Path.Combine(runDir, "config.yml"), TrainingConfig.ToYaml(options with { EnvId = probe.Id },
            $"The settings this run resolved (defaults, config file, --set, flags). Repeat it with\n  trainer train --env {probe.Id} --config {Path.Combine(runDir, "config.yml")}"));
        using var metrics = new MetricsLogger(new TensorBoardWriter(runDir), MetricsCsv(runDir, resumePath));
        EvaluationVideos? videos = options.VideoEvery > 0 && gpu is null
            ? new EvaluationVideos(runDir, options.VideoEpisodes) { Warn = line => Console.Error.WriteLine(line) }
            : null;
        ITrainingLoop run = gpu is null
            ? new TrainingRun(agent, () => EnvRegistry.Make(options.EnvId), runDir, metrics) { ReportThreshold = threshold, Videos = videos, Note = Note }
            : new GpuTrainingRun(agent, gpu, runDir, metrics) { ReportThreshold = threshold, Note = Note };
        AnsiConsole.MarkupLineInterpolated($"Training [bold]{probe.Id}[/] for {options.TotalSteps:N0} steps ({options.NumEnvs} envs × {options.StepsPerEnv} steps per update, seed {options.Seed}, {engines.Name} engine) → {runDir}");
        if (videos?.MissingFfmpeg is { } missing) Console.Error.WriteLine(missing);
        if (RoundedTotal(options, agent.TotalSteps) is { } rounded)
            AnsiConsole.MarkupLineInterpolated($"[grey]note:[/] training runs whole updates of {options.BatchSize:N0} steps, so it stops at {rounded:N0} steps, the first multiple at or past --total-steps {options.TotalSteps:N0}.");

        TrainingResult result = await ConsoleProgress.Run(run, options, agent.TotalSteps, cancellation);

        WriteLearningCurve(metrics, runDir, probe.Id, threshold);
        string? onnx = null;
        if (export)
        {
            onnx = Path.Combine(runDir, "policy.onnx");
            // The higher scorer of the final comparison: the best policy's checkpoint when it beat the final one.
            PolicyExporter.Export(result.ChosenCheckpointPath, onnx);
        }
        PrintSummary(result, threshold, runDir, onnx, videos, TrainingRun.EvalSeed(options));
        SummaryJson.Write(summaryJson, new Dictionary<string, object?>
        {
            ["status"] = result.Cancelled ? "interrupted" : "finished",
            ["env_id"] = probe.Id,
            ["seed"] = options.Seed,
            ["total_steps"] = result.TotalSteps,
            ["updates"] = result.Updates,
            ["elapsed_s"] = result.Elapsed.TotalSeconds,
            ["final_eval_episodes"] = result.FinalEpisodes,
            ["final_eval_first_seed"] = TrainingRun.EvalSeed(options),
            ["return_mean"] = SummaryJson.Finite(result.FinalReturnMean),
            ["return_std"] = SummaryJson.Finite(result.FinalReturnStd),
            ["threshold"] = threshold,
            ["threshold_first_reached_at_step"] = result.StepsWhenThresholdCrossed,
            ["checkpoint"] = result.CheckpointPath,
            ["checkpoint_sha256"] = result.CheckpointSha256,
            ["keep_best"] = options.KeepBest,
            ["best"] = BestJson(result),
            // Which policy policy.onnx holds (or, with --no-export, would hold): "final" or "best".
            ["chosen"] = result.Comparison is { Chosen: true } ? "best" : "final",
            ["chosen_checkpoint"] = result.ChosenCheckpointPath,
            ["chosen_checkpoint_sha256"] = result.ChosenCheckpointSha256,
            ["model"] = onnx,
            ["run_folder"] = runDir,
            ["config"] = Path.Combine(runDir, "config.yml"),
        });
        if (!result.Cancelled) return 0;
        Console.Error.WriteLine($"interrupted at step {result.TotalSteps:N0}: checkpoint saved to {result.CheckpointPath}; continue with --resume {result.CheckpointPath}");
        if (result.Best is { } kept)
            Console.Error.WriteLine($"the best policy so far is in {kept.Path} (step {kept.TotalSteps:N0}, {kept.SelectionEpisodes}-episode evaluation {kept.SelectionReturnMean:F1}); the final comparison did not run, so policy.onnx, if written, holds the last policy");
        return CliErrors.Interrupted;
    }

    private static void Note(string line) => AnsiConsole.MarkupLineInterpolated($"[grey]note:[/] {line}");

    /// <summary>The kept best policy for --summary-json: where it is, the periodic evaluation that selected it and its
    /// figure over the final evaluation's episodes (null when the run was interrupted before that evaluation).</summary>
    private static Dictionary<string, object?>? BestJson(TrainingResult r) => r.Best is not { } best ? null : new()
    {
        ["checkpoint"] = best.Path,
        ["checkpoint_sha256"] = best.Sha256,
        ["total_steps"] = best.TotalSteps,
        ["policy_version"] = best.PolicyVersion,
        ["selection_return_mean"] = SummaryJson.Finite(best.SelectionReturnMean),
        ["selection_episodes"] = best.SelectionEpisodes,
        ["return_mean"] = r.Comparison is { } c ? SummaryJson.Finite(c.ReturnMean) : null,
        ["return_std"] = r.Comparison is { } d ? SummaryJson.Finite(d.ReturnStd) : null,
        ["same_as_final"] = r.Comparison?.SameAsFinal,
    };

    /// <summary>A fresh run starts metrics.csv; a resumed run into the same folder continues it, so the rows logged
    /// before the interruption are kept.</summary>
    private static CsvMetricsWriter MetricsCsv(string runDir, string? resumePath)
    {
        string path = Path.Combine(runDir, "metrics.csv");
        return resumePath is null ? new CsvMetricsWriter(path) : CsvMetricsWriter.Continue(path);
    }

    private static void WriteLearningCurve(MetricsLogger metrics, string runDir, string envId, double? threshold)
    {
        var series = new List<PlotSeries>();
        foreach (string key in new[] { MetricKeys.RolloutEpReturnMean, MetricKeys.EvalReturnMean })
        {
            var points = metrics.History(key).Where(p => double.IsFinite(p.Value)).ToList();
            if (points.Count > 0) series.Add(new PlotSeries(key, points));
        }
        if (series.Count > 0) LearningCurvePlot.WriteSvg(Path.Combine(runDir, "learning_curve.svg"), series, $"TRPO on {envId}", "return", threshold);
    }

    /// <summary>The step count training will actually stop at when --total-steps is not a whole number of updates
    /// (single-path sampling; vine adds its branch steps); null when it is.</summary>
    internal static long? RoundedTotal(TrainingOptions o, long startSteps)
    {
        if (o.Sampling != Sampling.SamplingScheme.SinglePath || startSteps >= o.TotalSteps) return null;
        long remaining = o.TotalSteps - startSteps;
        long updates = (remaining + o.BatchSize - 1) / o.BatchSize;
        long end = startSteps + updates * o.BatchSize;
        return end == o.TotalSteps ? null : end;
    }

    private static void PrintSummary(TrainingResult r, double? threshold, string runDir, string? onnx, EvaluationVideos? videos, ulong evalSeed)
    {
        var table = new Table().AddColumn("result").AddColumn("value");
        table.AddRow("status", r.Cancelled ? "[yellow]cancelled (checkpoint saved)[/]" : "[green]finished[/]");
        table.AddRow("environment steps", $"{r.TotalSteps:N0} in {r.Updates} updates");
        table.AddRow("wall time", $"{r.Elapsed.TotalSeconds:F1} s ({r.TotalSteps / Math.Max(1e-9, r.Elapsed.TotalSeconds):N0} steps/s incl. evaluation)");
        // Evaluation seeds are offset from the training seeds so no evaluation episode replays a training one;
        // `trainer eval --seed` with the same first seed reproduces this figure exactly.
        if (r.FinalEpisodes > 0)
        {
            table.AddRow($"deterministic return ({r.FinalEpisodes} episodes)", $"{r.FinalReturnMean:F1} ± {r.FinalReturnStd:F1}");
            table.AddRow("evaluation seeds", $"from {evalSeed} (run seed + 1,000,000); trainer eval --seed {evalSeed} repeats it");
        }
        if (threshold is { } t)
            table.AddRow($"first reached {t}", r.StepsWhenThresholdCrossed is { } s ? $"at {s:N0} steps" : "[yellow]not reached[/]");
        if (r.Best is { } best)
        {
            string selected = $"step {best.TotalSteps:N0}, {best.SelectionEpisodes}-episode periodic evaluation {best.SelectionReturnMean:F1}";
            table.AddRow("best policy", Markup.Escape(r.Comparison switch
            {
                null => $"{best.Path} ({selected})",
                { SameAsFinal: true } => $"{best.Path} ({selected}): the final policy itself",
                var k => $"{best.Path} ({selected}): {k.ReturnMean:F1} ± {k.ReturnStd:F1} over the same {r.FinalEpisodes} episodes",
            }));
            if (r.Comparison is { } c)
                table.AddRow("chosen", c.Chosen
                    ? $"[green]best[/] (scored higher than the final policy over the same {r.FinalEpisodes} episodes)"
                    : c.SameAsFinal ? "final (the best periodic evaluation was of the final policy)" : $"final (scored at least as high as the best policy over the same {r.FinalEpisodes} episodes)");
        }
        table.AddRow("checkpoint", Markup.Escape($"{r.CheckpointPath} (sha256 {r.CheckpointSha256[..12]}…)"));
        if (onnx is not null) table.AddRow("policy model", Markup.Escape($"{onnx} (from {Path.GetFileName(r.ChosenCheckpointPath)})"));
        table.AddRow("metrics", Markup.Escape($"{runDir}/metrics.csv, TensorBoard events, learning_curve.svg; settings in {runDir}/config.yml"));
        if (videos is not null)
        {
            table.AddRow("videos", videos.Written.Count > 0
                ? Markup.Escape($"{videos.Written.Count} MP4s ({string.Join(", ", videos.Written.Select(Path.GetFileName))})")
                : "[yellow]none[/] (see the message above)");
        }
        AnsiConsole.Write(table);
    }
}
