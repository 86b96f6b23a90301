using Spectre.Console;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Cli;

/// <summary>Shows training progress: a live bar with the key figures on a terminal, one line every few updates when
/// the output is redirected (CI logs, pipes).</summary>
internal static class ConsoleProgress
{
    public static async Task<TrainingResult> Run(ITrainingLoop run, TrainingOptions options, long startSteps, CancellationToken cancellation)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            int every = Math.Max(1, (int)(options.TotalSteps / options.BatchSize / 20));
            run.Updated += r =>
            {
                if (r.Update % every == 0 || r.EvalReturnMean is not null) Console.WriteLine(Line(r, options));
            };
            return await Task.Run(() => run.Run(cancellation), CancellationToken.None);
        }

        TrainingResult? result = null;
        // Below 100 columns the full line would squeeze the bar, percentage and ETA out (the ETA then wraps one
        // character per line): a short description and a bar sized to what is left keep everything on one line.
        int width = AnsiConsole.Profile.Width;
        bool narrow = width < 100;
        Func<UpdateReport, string> describe = narrow ? r => Short(r, options) : r => Line(r, options);
        int barWidth = narrow ? Math.Max(8, width - 36 - 18) : 40;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = barWidth }, new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("starting", maxValue: options.TotalSteps);
                task.Value = startSteps;
                run.Updated += r =>
                {
                    task.Value = Math.Min(r.TotalSteps, options.TotalSteps);
                    task.Description = Markup.Escape(describe(r));
                };
                result = await Task.Run(() => run.Run(cancellation), CancellationToken.None);
                task.Value = options.TotalSteps;
            });
        return result!;
    }

    /// <summary>At most 36 characters: steps done and the latest return.</summary>
    private static string Short(UpdateReport r, TrainingOptions o) =>
        $"{Compact(r.TotalSteps)}/{Compact(o.TotalSteps)} ret {r.EpisodeReturnMean:F1}{(r.EvalReturnMean is { } e ? $" ev {e:F0}" : "")}";

    private static string Compact(long n) => n >= 10_000_000 ? $"{n / 1e6:F0}M" : n >= 10_000 ? $"{n / 1e3:F0}k" : n.ToString("N0");

    private static string Line(UpdateReport r, TrainingOptions o)
    {
        string eval = r.EvalReturnMean is { } e ? $" eval {e:F1}" : "";
        return $"step {r.TotalSteps,9:N0}/{o.TotalSteps:N0} return {r.EpisodeReturnMean,8:F1}{eval} kl {r.Policy.Kl:F4} ls {(r.Policy.LineSearchSuccess ? "ok" : "fail")} ev {r.ExplainedVariance:F2} {r.StepsPerSecond:N0} steps/s";
    }
}
