using System.CommandLine;
using Spectre.Console;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Files;
using TrpoEdge.Exporter;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Retraining;

namespace TrpoEdge.Trainer.Cli;

/// <summary>`trainer retrain`: improves a checkpoint's policy from trajectories the runtime logged.</summary>
internal static class RetrainCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "The checkpoint to improve: the one whose exported policy acted in the field, or a descendant of it (see --max-lag).", Required = true };
        var from = new Option<string[]>("--from") { Description = "Trajectory store written by `runtime --log` (repeatable).", Required = true, AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Directory for the new checkpoint and policy.onnx. Default: <checkpoint dir>/retrained." };
        var updates = new Option<int>("--updates") { Description = "TRPO updates on the logged batch (each importance-weighted, within the trust region).", DefaultValueFactory = _ => new RetrainOptions().Updates };
        var maxLag = new Option<int>("--max-lag") { Description = "Accept data logged by this checkpoint or up to N of its ancestors (0 = on-policy only).", DefaultValueFactory = _ => new RetrainOptions().MaxPolicyLag };
        var simSteps = new Option<int>("--sim-steps") { Description = "Mix this many fresh simulated steps (on the checkpoint's environment) into every update.", DefaultValueFactory = _ => 0 };
        var warmup = new Option<int>("--critic-warmup") { Description = "Rounds of critic fitting on the field data before the first policy step.", DefaultValueFactory = _ => new RetrainOptions().CriticWarmupRounds };
        var seed = new Option<ulong>("--seed") { Description = "Seeds critic minibatch shuffling and simulated rollouts.", DefaultValueFactory = _ => 0 };
        var noExport = new Option<bool>("--no-export") { Description = "Do not write policy.onnx next to the new checkpoint." };
        var summaryJson = SummaryJson.CreateOption();
        var force = new Option<bool>("--force") { Description = "Replace a checkpoint already in --out (never the one given to --checkpoint)." };
        var command = new Command("retrain", "Improve a policy from logged field rollouts (trajectory stores written by the runtime).") { checkpoint, from, output, updates, maxLag, simSteps, warmup, seed, noExport, force, summaryJson };
        command.SetAction((parse, cancellation) => CliErrors.Guard(() =>
        {
            using var interrupt = Interrupt.Install("finishing the current update, then saving a checkpoint", cancellation);
            return Task.FromResult(Run(
                parse.GetValue(checkpoint)!, parse.GetValue(from) ?? [], parse.GetValue(output),
                new RetrainOptions { Updates = parse.GetValue(updates), MaxPolicyLag = parse.GetValue(maxLag), SimSteps = parse.GetValue(simSteps), CriticWarmupRounds = parse.GetValue(warmup), Seed = parse.GetValue(seed) },
                !parse.GetValue(noExport), parse.GetValue(force), parse.GetValue(summaryJson), interrupt.Token));
        }));
        return command;
    }

    /// <summary>Everything about the output that can be known before training: it is a folder we can write to, and
    /// nothing written there replaces an input (the checkpoint being improved, a store) or, without --force, an
    /// earlier result. Checked first, so a bad --out fails in a second rather than after the updates.</summary>
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
        if (summaryJson is not null) FilePaths.EnsureNotAnInput("--summary-json", summaryJson, [("--checkpoint", checkpointPath), .. stores.Select(s => ("--from", (string?)s))]);
        if (Directory.Exists(checkpointPath))
            throw new ArgumentException($"--checkpoint {checkpointPath} is a folder; give the checkpoint file inside it, e.g. {Path.Combine(checkpointPath, "ckpt.safetensors")}.");
        if (!File.Exists(checkpointPath)) throw new FileNotFoundException($"--checkpoint {checkpointPath} does not exist; give the ckpt.safetensors that trainer train or retrain wrote.", checkpointPath);
        string outDir = output ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, "retrained");
        CheckOutput(outDir, checkpointPath, stores, export, force);
        PolicyCheckpoint checkpoint = PolicyCheckpoint.Load(checkpointPath);
        string sha = PolicyCheckpoint.Sha256Of(checkpointPath);
        var run = new RetrainRun(checkpoint, sha, options);
        run.Updated += r => Console.WriteLine(
            $"update {r.Update,3}: {(r.Policy.LineSearchSuccess ? "accepted" : "rejected")} kl {r.Policy.Kl:F4} surrogate {r.Policy.SurrogateBefore:F4}→{r.Policy.SurrogateAfter:F4} " +
            $"ratio mean {r.RatioMean:F3} max {r.RatioMax:F2} ess {r.EffectiveSampleFraction:P0} value loss {r.ValueLoss:F3} ({r.FieldSteps:N0} field + {r.SimSteps:N0} sim steps)");
        RetrainResult result = run.Run(stores, outDir, () => EnvRegistry.Make(checkpoint.EnvId), cancellation);
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
        table.AddRow("checkpoint", Markup.Escape($"{result.CheckpointPath} (sha256 {result.CheckpointSha256[..12]}…, parent {sha[..12]}…)"));
        if (onnx is not null) table.AddRow("policy model", Markup.Escape(onnx));
        AnsiConsole.Write(table);
        SummaryJson.Write(summaryJson, new Dictionary<string, object?>
        {
            ["status"] = cancellation.IsCancellationRequested ? "interrupted" : "finished",
            ["field_episodes"] = result.FieldEpisodes,
            ["field_steps"] = result.FieldSteps,
            ["stores"] = stores,
            ["updates_taken"] = result.UpdatesTaken,
            ["updates_accepted"] = result.UpdatesAccepted,
            ["stopped_because"] = result.StoppedBecause,
            ["parent_policy_version"] = result.ParentVersion,
            ["policy_version"] = result.PolicyVersion,
            ["parent_sha256"] = sha,
            ["checkpoint"] = result.CheckpointPath,
            ["checkpoint_sha256"] = result.CheckpointSha256,
            ["model"] = onnx,
        });
        if (!cancellation.IsCancellationRequested) return 0;
        Console.Error.WriteLine($"interrupted after {result.UpdatesTaken} update(s): checkpoint saved to {result.CheckpointPath}");
        return CliErrors.Interrupted;
    }
}
