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
            { checkpoint, from, output, updates, maxLag, behaviourKl, targetKl, traceClip, valueClip, freezeLogStd, simSteps, warmup, guard, minEss, seed, noExport, force, summaryJson };
        command.SetAction((parse, cancellation) => CliErrors.Guard(() =>
        {
            using var interrupt = Interrupt.Install("finishing the current update, then saving a checkpoint", cancellation);
            return Task.FromResult(Run(
                parse.GetValue(checkpoint)!, parse.GetValue(from) ?? [], parse.GetValue(output),
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

    private static int Run(string checkpointPath, string[] stores, string? output, RetrainOptions options, bool export, bool force, string? summaryJson, CancellationToken cancellation)
    {
        if (Directory.Exists(checkpointPath))
            throw new ArgumentException($"--checkpoint {checkpointPath} is a folder; give the checkpoint file inside it, e.g. {Path.Combine(checkpointPath, "ckpt.safetensors")}.");
        if (!File.Exists(checkpointPath)) throw new FileNotFoundException($"--checkpoint {checkpointPath} does not exist; give the ckpt.safetensors that trainer train or retrain wrote.", checkpointPath);
        if (summaryJson is not null) FilePaths.EnsureNotAnInput("--summary-json", summaryJson, [("--checkpoint", checkpointPath), .. stores.Select(s => ("--from", (string?)s))]);
        string outDir = output ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, "retrained");
        CheckOutput(outDir, checkpointPath, stores, export, force);
        PolicyCheckpoint checkpoint = PolicyCheckpoint.Load(checkpointPath);
        string sha = PolicyCheckpoint.Sha256Of(checkpointPath);
        using var metrics = new MetricsLogger(new TensorBoardWriter(outDir), new CsvMetricsWriter(Path.Combine(outDir, "metrics.csv")));
        var run = new RetrainRun(checkpoint, sha, options, metrics);
        run.Updated += r => Console.WriteLine(
            $"update {r.Update,3}: {(r.Policy.LineSearchSuccess ? "accepted" : "rejected")} kl {r.Policy.Kl:F4} behaviour kl {r.BehaviourKl:F4} surrogate {r.Policy.SurrogateBefore:F4}→{r.Policy.SurrogateAfter:F4} " +
            $"cg {r.Policy.CgIterations} it residual {r.Policy.CgResidual:G2} step {r.Policy.StepLength:G3} " +
            $"ratio mean {r.RatioMean:F3} max {r.RatioMax:F2} ess {r.EffectiveSampleFraction:P0} value loss {r.ValueLoss:F3} ({r.FieldSteps:N0} field + {r.SimSteps:N0} sim steps)" +
            (double.IsNaN(r.ImprovementGain) ? "" : $" estimated gain {r.ImprovementGain:G3} (SE {r.ImprovementStandardError:G3})"));
        RetrainResult result = run.Run(stores, outDir, () => EnvRegistry.Make(checkpoint.EnvId), cancellation);
        if (result.CheckpointPath is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]no update was accepted[/] ({result.UpdatesTaken} tried{(result.StoppedBecause is { } stop ? "; stopped: " + stop : "")}); the policy is unchanged and no checkpoint was written.");
            SummaryJson.Write(summaryJson, Summary(result, stores, sha, null, cancellation.IsCancellationRequested));
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
        SummaryJson.Write(summaryJson, Summary(result, stores, sha, onnx, cancellation.IsCancellationRequested));
        if (!cancellation.IsCancellationRequested) return 0;
        Console.Error.WriteLine($"interrupted after {result.UpdatesTaken} update(s): checkpoint saved to {result.CheckpointPath}");
        return CliErrors.Interrupted;
    }

    private static Dictionary<string, object?> Summary(RetrainResult result, string[] stores, string parentSha, string? onnx, bool interrupted) => new()
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
    };
}
