using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Cli;

/// <summary>`--set key=value` overrides in the config files' own names, applied after the config file through the
/// same reader, so flags and files accept exactly the same keys and values.</summary>
internal static class OverrideParser
{
    public static TrainingOptions Apply(TrainingOptions options, IEnumerable<string> assignments)
    {
        string[] list = assignments.ToArray();
        if (list.Length == 0) return options;
        string yaml = "\"" + options.EnvId + "\":\n" + string.Concat(list.Select(a => "  " + ToYaml(a) + "\n"));
        return TrainingConfig.Parse(yaml, "--set", options.EnvId, options);
    }

    private static string ToYaml(string assignment)
    {
        int eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new FormatException($"--set {assignment}: expected key=value, e.g. --set gamma=0.95.");
        return $"{assignment[..eq].Trim()}: {assignment[(eq + 1)..].Trim()}";
    }
}
