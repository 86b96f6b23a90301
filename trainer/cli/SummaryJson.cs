using System.CommandLine;
using System.Text.Json;

namespace TrpoEdge.Trainer.Cli;

/// <summary>`--summary-json FILE` (the option name every program uses): the figures of the printed summary as one
/// JSON object, snake_case keys, null for a figure that does not exist (e.g. no final evaluation after Ctrl-C).</summary>
internal static class SummaryJson
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static Option<string?> CreateOption() => new("--summary-json") { Description = "Also write the summary as JSON to this file, for scripts." };

    public static double? Finite(double v) => double.IsFinite(v) ? v : null;

    public static void Write(string? path, IReadOnlyDictionary<string, object?> document)
    {
        if (path is null) return;
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(document, Options) + "\n");
    }
}
