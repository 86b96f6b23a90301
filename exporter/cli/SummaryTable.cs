using System.Globalization;
using Spectre.Console;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Exporter.Cli;

/// <summary>The short, human summary the CLI prints after an export and a verification. Hashes go on plain
/// lines outside the table: a 64-digit hex string wrapped inside an 80-column table cannot be copied.</summary>
public static class SummaryTable
{
    public static void Write(IAnsiConsole console, ExportSummary s)
    {
        // The path on its own line: as a table title it was cut to the table's width (".../policy.on…").
        console.MarkupLine($"wrote [bold]{Markup.Escape(s.OnnxPath)}[/]");
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("");
        table.AddColumn("name");
        table.AddColumn("type");
        table.AddColumn("shape");
        foreach (ModelPort p in s.Inputs) table.AddRow("input", Markup.Escape(p.Name), p.ElementType, Markup.Escape(p.Shape));
        foreach (ModelPort p in s.Outputs) table.AddRow("output", Markup.Escape(p.Name), p.ElementType, Markup.Escape(p.Shape));
        console.Write(table);

        var meta = new Table().Border(TableBorder.Rounded);
        meta.AddColumn("metadata");
        meta.AddColumn("value");
        foreach (var (key, value) in s.Metadata) meta.AddRow(Markup.Escape(key), Markup.Escape(Display(key, value)));
        console.Write(meta);

        console.WriteLine($"parameters  {s.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} (policy version {s.PolicyVersion.ToString(CultureInfo.InvariantCulture)})");
        console.WriteLine($"file        {s.FileBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        console.WriteLine($"sha256      {s.FileSha256}");
        console.WriteLine($"checkpoint  {s.CheckpointSha256}");
        console.WriteLine($"time        {s.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms");
    }

    public static void Write(IAnsiConsole console, VerificationReport r)
    {
        string verdict = r.Passed ? "[green]verified[/]" : "[red]verification FAILED[/]";
        console.MarkupLine($"{verdict}: {r.RandomObservations:N0} random + {r.RecordedObservations:N0} recorded + {r.ClipProbeObservations:N0} clip-probe observations, "
            + $"worst |difference| {r.WorstAbsDifference.ToString("G3", CultureInfo.InvariantCulture)} in "
            + $"\"{Markup.Escape(r.WorstOutput)}\" (tolerance {r.Tolerance.ToString("G3", CultureInfo.InvariantCulture)}), "
            + $"{r.Elapsed.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms");
        if (r.Passed) return;
        foreach (string f in r.Failures) console.MarkupLine($"  [red]-[/] {Markup.Escape(f)}");
        console.MarkupLine(Markup.Escape($"  worst observation ({r.WorstSource}): ["
            + string.Join(", ", r.WorstObservation.Select(v => v.ToString("G9", CultureInfo.InvariantCulture))) + "]"));
    }

    /// <summary>Spaces in their readable form, and nothing wider than the value column of an 80-column
    /// table (the checkpoint's hash is printed in full below it).</summary>
    private static string Display(string key, string value)
    {
        if (key is PolicyModelContract.Metadata.ObservationSpace or PolicyModelContract.Metadata.ActionSpace)
        {
            try { value = SpaceSpec.Parse(value).ToString(); }
            catch (FormatException) { /* show the raw text */ }
        }
        return value.Length <= 44 ? value : value[..41] + "...";
    }
}
