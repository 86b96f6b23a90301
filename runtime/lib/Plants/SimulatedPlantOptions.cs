using System.Globalization;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Plants;

/// <summary>Which simulated plant to build: a registry id (Gymnasium id, <c>Rig:&lt;name&gt;</c> or a rig
/// YAML path) or an explicit rig file, optional parameter overrides (the runtime's <c>--perturb</c>) and
/// optional domain randomisation.</summary>
public sealed record SimulatedPlantOptions
{
    /// <summary>"Pendulum-v1", "Rig:direct-drive", "hardware/rigs/direct-drive.yaml"; ignored when <see cref="RigFile"/> is set.</summary>
    public string? EnvId { get; init; }
    public string? RigFile { get; init; }
    /// <summary>Rig parameters to replace, in order, e.g. ("pendulum.mass", 0.35).</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Perturbations { get; init; } = [];
    /// <summary>Draw the rig's <c>randomization:</c> ranges at every reset.</summary>
    public bool Randomize { get; init; }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(EnvId) && string.IsNullOrWhiteSpace(RigFile))
            throw new ArgumentException($"Name a simulated plant: an environment id ({string.Join(", ", EnvRegistry.Ids)}, Rig:<name>) or a rig file.");
        foreach (var (key, value) in Perturbations)
            if (!double.IsFinite(value))
                throw new ArgumentException($"Perturbation {key}={value.ToString(CultureInfo.InvariantCulture)} is not a finite number.");
    }

    /// <summary>Parses "KEY=VALUE" (invariant culture) as <c>--perturb</c> takes it.</summary>
    public static KeyValuePair<string, double> ParsePerturbation(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1)
            throw new FormatException($"--perturb \"{text}\" is not KEY=VALUE (e.g. pendulum.mass=0.3).");
        string key = text[..eq].Trim();
        string value = text[(eq + 1)..].Trim();
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new FormatException($"--perturb {key}: \"{value}\" is not a finite number (use a dot for decimals, e.g. 0.3).");
        return new(key, v);
    }
}
