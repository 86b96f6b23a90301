using System.CommandLine;
using Spectre.Console;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Files;
using TrpoEdge.Exporter;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Metrics;
using TrpoEdge.Trainer.Retraining;

namespace TrpoEdge.Trainer.Cli;

/// <summary>`trainer retrain`: improves a checkpoint's policy from trajectories the runtime logged.</summary>
internal static class RetrainCommand
{
    /// <summary>Exit code when no update was accepted (the policy is unchanged, no checkpoint written).</summary>
    public const int NothingAccepted = 3;

    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The checkpoint to improve: the one whose exported policy acted in the field, or a descendant of it (see --max-lag).", Required = true };
        var from = new Option<string[]>("--from") { Description = "Trajectory store written by `runtime --log` (repeatable).", Required = true, AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Directory for the new checkpoint and policy.onnx. Default: <checkpoint dir>/retrained." };
        var updates = new Option<int>("--updates") { Description = "TRPO updates on the logged batch (each importance-weighted, within the trust region).", DefaultValueFactory = _ => new RetrainOptions().Updates };
        var maxLag = new Option<int>("--max-lag") { Description = "Accept episodes whose acting policy is this checkpoint or an ancestor at most N accepted updates older (0 = on-policy only).", DefaultValueFactory = _ => new RetrainOptions().MaxPolicyLag };
        var behaviourKl = new Option<double>("--behaviour-kl") { Description = "Behaviour trust region: the largest mean KL(acting policy ‖ new policy) allowed for any acting policy of the data, over the whole retrain.", DefaultValueFactory = _ => new RetrainOptions().BehaviourKl };
        var targetKl = new Option<double?>("--target-kl") { Description = "δ of each update's own trust region (KL to the previous iterate). Default: the checkpoint's target_kl." };
        var traceClip = new Option<double>("--trace-clip") { Description = "c̄: truncation of the per-decision importance weights in the traces of advantages and value targets (Retrace / V-trace).", DefaultValueFactory = _ => new RetrainOptions().TraceClip };
        var valueClip = new Option<double>("--value-clip") { Description = "ρ̄: truncation of the importance weight on each TD error of the value targets (V-trace); at least --trace-clip.", DefaultValueFactory = _ => new RetrainOptions().ValueClip };
        var freezeLogStd = new Option<bool>("--freeze-log-std") { Description = "Keep the policy's log σ as the checkpoint has it: the behaviour-KL budget moves only the mean (the deterministic action), and the next round explores as much as this one." };
        var simSteps = new Option<int>("--sim-steps") { Description = "Mix this many fresh simulated steps (on the checkpoint's environment) into every update.", DefaultValueFactory = _ => 0 };
        var simEnv = new Option<string?>("--sim-env") { Description = "The environment --sim-steps simulates: a Gymnasium id or a rig file with the checkpoint's spaces (e.g. one identified from the field data). Default: the checkpoint's environment." };
        var identify = new Option<bool>("--identify") { Description = "Fit the rig's dynamics (gravity, motor torque, damping and friction per unit inertia, and the actuation delay) to the logged field data, write identified-rig.yaml to --out, and simulate on it for --sim-steps (default then 8000). Needs a checkpoint trained on a rig file." };
        var identifyFrom = new Option<string[]>("--identify-from") { Description = "More trajectory stores for --identify only (repeatable): earlier rounds' logs, deterministic runs — any episode on the rig tells its dynamics, whichever policy acted.", AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.ZeroOrMore };
        var warmup = new Option<int>("--critic-warmup") { Description = "Rounds of critic fitting on the field data before the first policy step.", DefaultValueFactory = _ => new RetrainOptions().CriticWarmupRounds };
        var guard = new Option<double?>("--guard") { Description = "Improvement guard with z standard errors: keep the accepted update whose estimated gain on the field data (importance-weighted surrogate with the acting policy's advantages) minus z·SE is highest, and write nothing when none is above 0. Off unless given." };
        var minEss = new Option<double>("--min-ess") { Description = "Stop updating when the effective sample size of the importance weights falls below this fraction of the batch (checked before every update, the first included).", DefaultValueFactory = _ => new RetrainOptions().MinEffectiveSampleFraction };
        var seed = new Option<ulong>("--seed") { Description = "Seeds critic minibatch shuffling and simulated rollouts.", DefaultValueFactory = _ => 0 };
        var noExport = new Option<bool>("--no-export") { Description = "Do not write policy.onnx next to the new checkpoint." };
        var force = new Option<bool>("--force") { Description = "Replace a checkpoint already in --out (never the one given to --checkpoint)." };
        var summaryJson = SummaryJson.CreateOption();
        var command = new Command("retrain", "Improve a policy from logged field rollouts (trajectory stores written by the runtime). " +
            "Exit codes: 0 a new checkpoint was written; 2 bad input or refused data (the message names the store, run, episode and step); " +
            "3 no update was accepted (or --guard kept none), so no checkpoint was written; 130 stopped by Ctrl-C or SIGTERM (the accepted updates are saved). "
            + TrpoEdge.Core.Cli.ExitCodeTable.HelpText)
            { checkpoint, from, output, updates, maxLag, behaviourKl, targetKl, traceClip, valueClip, freezeLogStd, simSteps, simEnv, identify, identifyFrom, warmup, guard, minEss, seed, noExport, force, summaryJson };
        command.SetAction((parse, cancellation) => CliErrors.Guard(() =>
        {
            using var interrupt = Interrupt.Install("finishing the current update, then saving a checkpoint", cancellation);
            return Task.FromResult(Run(
                parse.GetValue(checkpoint)!, parse.GetValue(from) ?? [], parse.GetValue(output),
                new SimulatorChoice(parse.GetValue(simEnv), parse.GetValue(identify), parse.GetValue(identifyFrom) ?? [], parse.GetResult(simSteps) is { Implicit: false }),
                new RetrainOptions { Updates = parse.GetValue(updates), MaxPolicyLag = parse.GetValue(maxLag), BehaviourKl = parse.GetValue(behaviourKl), TargetKl = parse.GetValue(targetKl),
                    TraceClip = parse.GetValue(traceClip), ValueClip = parse.GetValue(valueClip),
                    FreezeLogStd = parse.GetValue(freezeLogStd), SimSteps = parse.GetValue(simSteps), CriticWarmupRounds = parse.GetValue(warmup),
                    ImprovementGuard = parse.GetValue(guard), MinEffectiveSampleFraction = parse.GetValue(minEss), Seed = parse.GetValue(seed) },
                !parse.GetValue(noExport), parse.GetValue(force), parse.GetValue(summaryJson), interrupt.Token));
        }));
        return command;
    }

    private static void CheckOutput(string outDir, string checkpointPath, string[] stores, bool export, bool force)
    {
        if (File.Exists(outDir)) throw new ArgumentException($"--out {outDir} is a file, not a folder; give a folder for the new checkpoint.");
        string newCheckpoint = Path.Combine(outDir, "ckpt.safetensors"), model = Path.Combine(outDir, "policy.onnx");
        var inputs = new List<(string Option, string Path)> { ("--checkpoint", checkpointPath) };
        inputs.AddRange(stores.Select(s => ("--from", s)));
        foreach ((string option, string input) in inputs)
        {
            foreach (string written in export ? [newCheckpoint, model] : new[] { newCheckpoint })
            {
                if (FilePaths.Same(written, input))
                    throw new ArgumentException($"--out {outDir} would write {Path.GetFileName(written)} over {option} {input}, destroying the input; choose another --out (the default is a 'retrained' folder beside the checkpoint).");
            }
        }
        if (!force && File.Exists(newCheckpoint))
            throw new ArgumentException($"--out {outDir} already holds a checkpoint ({newCheckpoint}); choose another --out, or pass --force to replace it.");
        try
        {
            Directory.CreateDirectory(outDir);
            string probe = Path.Combine(outDir, $".write-test-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--out {outDir} cannot be written ({e.Message}); choose a folder you can write to.");
        }
    }

    private static int Run(string checkpointPath, string[] stores, string? output, SimulatorChoice simulator, RetrainOptions options, bool export, bool force, string? summaryJson, CancellationToken cancellation)
    {
        if (Directory.Exists(checkpointPath))
            throw new ArgumentException($"--checkpoint {checkpointPath} is a folder; give the checkpoint file inside it, e.g. {Path.Combine(checkpointPath, "ckpt.safetensors")}.");
        if (!File.Exists(checkpointPath)) throw new FileNotFoundException($"--checkpoint {checkpointPath} does not exist; give the ckpt.safetensors that trainer train or retrain wrote.", checkpointPath);
        if (summaryJson is not null) FilePaths.EnsureNotAnInput("--summary-json", summaryJson, [("--checkpoint", checkpointPath), .. stores.Select(s => ("--from", (string?)s))]);
        string outDir = output ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, "retrained");
        CheckOutput(outDir, checkpointPath, stores, export, force);
        PolicyCheckpoint checkpoint = PolicyCheckpoint.Load(checkpointPath);
        string sha = PolicyCheckpoint.Sha256Of(checkpointPath);
        (Func<IEnv> simulate, options, RigIdentification? identified) = ChooseSimulator(simulator, checkpoint, stores, outDir, options);
        (string, RigIdentification)? identifiedRig = identified is null ? null : (Path.Combine(outDir, "identified-rig.yaml"), identified);
        using var metrics = new MetricsLogger(new TensorBoardWriter(outDir), new CsvMetricsWriter(Path.Combine(outDir, "metrics.csv")));
        var run = new RetrainRun(checkpoint, sha, options, metrics);
        run.Updated += r => Console.WriteLine(
            $"update {r.Update,3}: {(r.Policy.LineSearchSuccess ? "accepted" : "rejected")} kl {r.Policy.Kl:F4} behaviour kl {r.BehaviourKl:F4} surrogate {r.Policy.SurrogateBefore:F4}→{r.Policy.SurrogateAfter:F4} " +
            $"cg {r.Policy.CgIterations} it residual {r.Policy.CgResidual:G2} step {r.Policy.StepLength:G3} " +
            $"ratio mean {r.RatioMean:F3} max {r.RatioMax:F2} ess {r.EffectiveSampleFraction:P0} value loss {r.ValueLoss:F3} ({r.FieldSteps:N0} field + {r.SimSteps:N0} sim steps)" +
            (double.IsNaN(r.ImprovementGain) ? "" : $" estimated gain {r.ImprovementGain:G3} (SE {r.ImprovementStandardError:G3})"));
        RetrainResult result = run.Run(stores, outDir, simulate, cancellation);
        if (result.CheckpointPath is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]no update was accepted[/] ({result.UpdatesTaken} tried{(result.StoppedBecause is { } stop ? "; stopped: " + stop : "")}); the policy is unchanged and no checkpoint was written.");
            SummaryJson.Write(summaryJson, Summary(result, stores, sha, null, cancellation.IsCancellationRequested, identifiedRig));
            if (!cancellation.IsCancellationRequested) return NothingAccepted;
            Console.Error.WriteLine($"interrupted after {result.UpdatesTaken} update(s), none accepted: nothing to save.");
            return CliErrors.Interrupted;
        }
        string? onnx = null;
        if (export)
        {
            onnx = Path.Combine(outDir, "policy.onnx");
            PolicyExporter.Export(result.CheckpointPath, onnx);
        }
        var table = new Table().AddColumn("retrain").AddColumn("value");
        table.AddRow("field data", $"{result.FieldEpisodes} episodes, {result.FieldSteps:N0} steps from {stores.Length} store(s)");
        table.AddRow("updates", $"{result.UpdatesAccepted} accepted of {result.UpdatesTaken}" + (result.StoppedBecause is { } why ? Markup.Escape($" (stopped: {why})") : ""));
        table.AddRow("policy version", $"{result.ParentVersion} → {result.PolicyVersion}");
        table.AddRow("checkpoint", Markup.Escape($"{result.CheckpointPath} (sha256 {result.CheckpointSha256![..12]}…, parent {sha[..12]}…)"));
        if (result.Reports.Count > 0)
            table.AddRow("behaviour KL", $"{result.Reports[^1].BehaviourKl:G3} (bound {options.BehaviourKl:G3})");
        if (onnx is not null) table.AddRow("policy model", Markup.Escape(onnx));
        AnsiConsole.Write(table);
        SummaryJson.Write(summaryJson, Summary(result, stores, sha, onnx, cancellation.IsCancellationRequested, identifiedRig));
        if (!cancellation.IsCancellationRequested) return 0;
        Console.Error.WriteLine($"interrupted after {result.UpdatesTaken} update(s): checkpoint saved to {result.CheckpointPath}");
        return CliErrors.Interrupted;
    }

    /// <summary>What `--sim-env`, `--identify` and `--identify-from` asked for; <see cref="SimStepsGiven"/> says whether
    /// --sim-steps was on the command line (with --identify it otherwise defaults to <see cref="IdentifiedSimSteps"/>).</summary>
    private sealed record SimulatorChoice(string? SimEnv, bool Identify, string[] IdentifyFrom, bool SimStepsGiven);

    /// <summary>Simulated steps per update with --identify when --sim-steps is not given: with a simulator of the
    /// identified plant the simulated batch carries the gradient, so it is a training-sized batch, not a sprinkle.</summary>
    public const int IdentifiedSimSteps = 8000;

    /// <summary>Largest relative standard error of the gravity or torque coefficient an identified rig may have.</summary>
    public const double MaxRelativeError = 0.1;

    private static (Func<IEnv>, RetrainOptions, RigIdentification?) ChooseSimulator(SimulatorChoice choice, PolicyCheckpoint checkpoint, string[] stores, string outDir, RetrainOptions options)
    {
        if (!choice.Identify && choice.IdentifyFrom.Length > 0) throw new ArgumentException("--identify-from adds stores to --identify; pass --identify too.");
        string simEnv = choice.SimEnv ?? checkpoint.EnvId;
        // The checkpoint's own environment is only made when a simulated step needs it (its native library or rig file
        // may be absent where field data alone is retrained on). Otherwise one probe answers both questions: do the
        // spaces fit (for --sim-env), and which rig is the fit's nominal one (for --identify).
        if (choice.SimEnv is null && !choice.Identify) return (() => EnvRegistry.Make(simEnv), options, null);
        IEnv probe = EnvRegistry.Make(simEnv);
        (probe as IDisposable)?.Dispose();
        if (choice.SimEnv is not null && (!probe.ObservationSpace.Equals(checkpoint.ObservationSpace) || !probe.ActionSpace.Equals(checkpoint.ActionSpace)))
            throw new ArgumentException($"--sim-env {simEnv} has observation space {probe.ObservationSpace} and action space {probe.ActionSpace}; the checkpoint's are {checkpoint.ObservationSpace} and {checkpoint.ActionSpace}. Give an environment or rig the policy can act in.");
        if (!choice.Identify) return (() => EnvRegistry.Make(simEnv), options, null);
        RigSpec nominal = probe is RigEnv rig ? rig.Spec
            : throw new ArgumentException($"--identify fits a rig file's dynamics, but {(choice.SimEnv is null ? "the checkpoint was trained on" : "--sim-env is")} {simEnv}, whose physics are fixed. Train on a rig file (trainer train --env hardware/rigs/<rig>.yaml), or pass the rig file the field plant is built like with --sim-env.");
        IReadOnlyList<RigEpisode> episodes = FieldDynamicsLoader.Load(stores.Concat(choice.IdentifyFrom), checkpoint, out IReadOnlyList<string> skipped);
        foreach (string note in skipped.Take(5)) Console.Error.WriteLine($"identification skips {note}");
        if (skipped.Count > 5) Console.Error.WriteLine($"identification skips {skipped.Count - 5} more episode(s) or run(s).");
        RigIdentification fit = RigIdentifier.Fit(nominal, episodes);
        var table = new Table().AddColumn("identified from the field").AddColumn("fitted").AddColumn("nominal");
        for (int k = 0; k < fit.Coefficients.Length; k++)
            table.AddRow(RigIdentification.CoefficientNames[k], $"{fit.Coefficients[k]:G4} ± {fit.StandardErrors[k]:G2}", $"{fit.NominalCoefficients[k]:G4}");
        table.AddRow("actuation delay (periods)", fit.DelaySteps.ToString(System.Globalization.CultureInfo.InvariantCulture), fit.NominalDelaySteps.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("one-period prediction error (rad/s)", $"{fit.FittedRms:G3}", $"{fit.NominalRms:G3}");
        AnsiConsole.Write(table);
        for (int k = 0; k < 2; k++)
        {
            double relative = fit.StandardErrors[k] / Math.Max(fit.Coefficients[k], 1e-12);
            if (!(relative <= MaxRelativeError))
                throw new ArgumentException($"The field data determine the rig's {RigIdentification.CoefficientNames[k]} only to ±{relative:P0} ({fit.Transitions} transitions from {episodes.Count} episodes); a simulator that uncertain would mislead the update. Log more episodes in which the pendulum swings and the motor works, or add earlier logs with --identify-from.");
        }
        string path = Path.Combine(outDir, "identified-rig.yaml");
        string header = $"Identified by trainer retrain --identify from {fit.Transitions} logged transitions ({episodes.Count} episodes) of {string.Join(", ", stores.Concat(choice.IdentifyFrom).Distinct())},\n" +
            $"starting from {nominal.SourceName}. It moves like the logged plant; its individual physical values need not be the plant's\n" +
            "(only gravity, torque, damping and friction per unit inertia and the delay are observable). Fit:\n" + fit.Describe();
        string yaml = fit.Spec.ToYaml(header);
        AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(yaml));
        Console.WriteLine($"identified rig written to {path}");
        int simSteps = choice.SimStepsGiven ? options.SimSteps : IdentifiedSimSteps;
        if (simSteps == 0) Console.Error.WriteLine("--identify with --sim-steps 0: the identified rig is written but not simulated.");
        RigSpec identified = fit.Spec;
        return (() => new RigEnv(identified), options with { SimSteps = simSteps, SimulatorRig = yaml }, fit);
    }

    private static Dictionary<string, object?> Summary(RetrainResult result, string[] stores, string parentSha, string? onnx, bool interrupted, (string Path, RigIdentification Fit)? identified) => new()
    {
        ["status"] = interrupted ? "interrupted" : result.CheckpointPath is null ? "nothing_accepted" : "finished",
        ["field_episodes"] = result.FieldEpisodes,
        ["field_steps"] = result.FieldSteps,
        ["stores"] = stores,
        ["updates_taken"] = result.UpdatesTaken,
        ["updates_accepted"] = result.UpdatesAccepted,
        ["stopped_because"] = result.StoppedBecause,
        ["parent_policy_version"] = result.ParentVersion,
        ["policy_version"] = result.PolicyVersion,
        ["parent_sha256"] = parentSha,
        ["checkpoint"] = result.CheckpointPath,
        ["checkpoint_sha256"] = result.CheckpointSha256,
        ["model"] = onnx,
        ["identified"] = identified is not { } id ? null : new Dictionary<string, object?>
        {
            ["rig"] = id.Path,
            ["delay_steps"] = id.Fit.DelaySteps,
            ["coefficients"] = id.Fit.Coefficients,
            ["standard_errors"] = id.Fit.StandardErrors,
            ["nominal_coefficients"] = id.Fit.NominalCoefficients,
            ["prediction_rms"] = id.Fit.FittedRms,
            ["nominal_prediction_rms"] = id.Fit.NominalRms,
            ["transitions"] = id.Fit.Transitions,
        },
    };
}
