using System.Globalization;
using Spectre.Console;

namespace TrpoEdge.Exporter.Cli;

/// <summary>The short, human summary the CLI prints after an export and a verification.</summary>
public static class SummaryTable
{
    public static void Write(IAnsiConsole console, ExportSummary s)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(s.OnnxPath)}[/]");
        table.AddColumn("");
        table.AddColumn("");
        table.HideHeaders();
        foreach (ModelPort p in s.Inputs) table.AddRow("input", Markup.Escape($"{p.Name}  {p.ElementType} {p.Shape}"));
        foreach (ModelPort p in s.Outputs) table.AddRow("output", Markup.Escape($"{p.Name}  {p.ElementType} {p.Shape}"));
        foreach (var (key, value) in s.Metadata) table.AddRow(Markup.Escape(key), Markup.Escape(Shorten(value)));
        table.AddRow("parameters", s.ParameterCount.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("file", $"{s.FileBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        table.AddRow("sha256", s.FileSha256);
        table.AddRow("time", $"{s.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms");
        console.Write(table);
    }

    public static void Write(IAnsiConsole console, VerificationReport r)
    {
        string verdict = r.Passed ? "[green]verified[/]" : "[red]verification FAILED[/]";
        console.MarkupLine($"{verdict}: {r.RandomObservations:N0} random + {r.RecordedObservations:N0} recorded observations, "
            + $"worst |difference| {r.WorstAbsDifference.ToString("G3", CultureInfo.InvariantCulture)} in "
            + $"\"{Markup.Escape(r.WorstOutput)}\" (tolerance {r.Tolerance.ToString("G3", CultureInfo.InvariantCulture)}), "
            + $"{r.Elapsed.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms");
        if (r.Passed) return;
        foreach (string f in r.Failures) console.MarkupLine($"  [red]-[/] {Markup.Escape(f)}");
        console.MarkupLine(Markup.Escape($"  worst observation ({r.WorstSource}): ["
            + string.Join(", ", r.WorstObservation.Select(v => v.ToString("G9", CultureInfo.InvariantCulture))) + "]"));
    }

    private static string Shorten(string value) => value.Length <= 120 ? value : value[..117] + "...";
}
