using System.Globalization;
using TrpoEdge.Sim.Yaml;

namespace TrpoEdge.Sim;

/// <summary>A pendulum rig's physical description, read from a YAML file in hardware/rigs/. Every numeric
/// parameter has a dotted key (<c>pendulum.mass</c>, <c>motor.resistance</c>, <c>delay_steps</c>, ...) used
/// in the file, in <see cref="WithOverride"/> (the runtime's --perturb) and in the <c>randomization:</c> section.
/// Immutable: overrides return a new spec.</summary>
public sealed class RigSpec
{
    private static readonly RigParameter[] Table =
    [
        new("gravity", 9.81, false, 0, false, false, "m/s²"),
        new("control.period", double.NaN, true, 0, true, false, "s per env step"),
        new("control.substeps", 10, false, 1, false, true, "integration substeps per control period"),
        new("max_episode_steps", double.NaN, true, 1, false, true, "time limit in steps"),
        new("delay_steps", 0, false, 0, false, true, "actuation delay in whole control periods"),
        new("pendulum.mass", double.NaN, true, 0, true, false, "kg"),
        new("pendulum.length", double.NaN, true, 0, true, false, "m"),
        new("pendulum.com", double.NaN, false, 0, false, false, "pivot to centre of mass, m (default length/2)"),
        new("pendulum.inertia", double.NaN, false, 0, true, false, "about the pivot, kg·m² (default mass·length²/3)"),
        new("motor.supply_voltage", double.NaN, true, 0, true, false, "V at command ±1"),
        new("motor.resistance", double.NaN, true, 0, true, false, "Ω"),
        new("motor.torque_constant", double.NaN, true, 0, false, false, "kt, N·m/A"),
        new("motor.back_emf_constant", double.NaN, false, 0, false, false, "km, V·s/rad (default kt)"),
        new("motor.gear_ratio", 1, false, 0, true, false, "motor turns per pendulum turn"),
        new("motor.rotor_inertia", 0, false, 0, false, false, "kg·m² at the motor shaft"),
        new("friction.viscous", 0, false, 0, false, false, "N·m·s/rad"),
        new("friction.coulomb", 0, false, 0, false, false, "N·m"),
        new("friction.coulomb_velocity_scale", 0.01, false, 0, true, false, "rad/s of the tanh smoothing"),
        new("sensor.encoder_counts_per_rev", 0, false, 0, false, true, "0 = ideal angle"),
        new("sensor.angle_noise_std", 0, false, 0, false, false, "rad"),
        new("sensor.velocity_noise_std", 0, false, 0, false, false, "rad/s"),
        new("reward.action_scale", 2.0, false, 0, false, false, "command → Pendulum-v1-like torque units in the cost"),
        new("reset.max_angle", Math.PI, false, 0, false, false, "θ ~ U[-a, a] at reset"),
        new("reset.max_velocity", 1.0, false, 0, false, false, "θ̇ ~ U[-v, v] at reset"),
        new("observation.max_velocity", 8.0, false, 0, true, false, "declared θ̇ bound of the observation box"),
        new("limits.max_angle", double.NaN, false, 0, true, false, "|θ| unwrapped, rad (absent = none)"),
        new("limits.max_velocity", double.NaN, false, 0, true, false, "|θ̇|, rad/s (absent = none)"),
        new("limits.terminate", 0, false, 0, false, true, "true: the env terminates on a limit"),
    ];

    private static readonly Dictionary<string, RigParameter> ByKey = Table.ToDictionary(p => p.Key, StringComparer.Ordinal);
    private static readonly string[] StringKeys = ["name", "description", "control.integrator"];

    private readonly Dictionary<string, double> _explicit;
    private readonly Dictionary<string, double> _resolved;

    private RigSpec(string name, string? description, RigIntegrator integrator, string sourceName,
        Dictionary<string, double> explicitValues, IReadOnlyDictionary<string, RigRange> randomization)
    {
        Name = name;
        Description = description;
        Integrator = integrator;
        SourceName = sourceName;
        _explicit = explicitValues;
        Randomization = randomization;
        _resolved = Resolve(explicitValues, sourceName);
        Limits = new RigLimits(
            double.IsNaN(_resolved["limits.max_angle"]) ? null : _resolved["limits.max_angle"],
            double.IsNaN(_resolved["limits.max_velocity"]) ? null : _resolved["limits.max_velocity"],
            _resolved["limits.terminate"] != 0);
    }

    /// <summary>Every numeric key a rig file, an override or a randomisation range may name.</summary>
    public static IReadOnlyList<string> Keys { get; } = Table.Select(p => p.Key).ToArray();

    /// <summary>Whether a key takes whole numbers (sampled as integers by <see cref="RandomizedRigEnv"/>).</summary>
    internal static bool IsInteger(string key) => ByKey.TryGetValue(key, out var p) ? p.Integer : throw UnknownKey(key);

    public string Name { get; }
    public string? Description { get; }
    public RigIntegrator Integrator { get; }
    /// <summary>The file (or name passed to <see cref="Parse"/>) this spec came from.</summary>
    public string SourceName { get; }
    public RigLimits Limits { get; }
    /// <summary>Sampling ranges per key for <see cref="RandomizedRigEnv"/>, in file order.</summary>
    public IReadOnlyDictionary<string, RigRange> Randomization { get; }

    /// <summary>The effective value of a key, defaults and derived values included (NaN for an absent limit).</summary>
    public double this[string key] => _resolved.TryGetValue(key, out double v) ? v : throw UnknownKey(key);

    public double ControlPeriod => _resolved["control.period"];
    public int Substeps => (int)_resolved["control.substeps"];
    public int MaxEpisodeSteps => (int)_resolved["max_episode_steps"];
    public int DelaySteps => (int)_resolved["delay_steps"];

    public static RigSpec Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Rig file '{path}' does not exist; rig files live in hardware/rigs/*.yaml.", path);
        return Parse(File.ReadAllText(path), path);
    }

    public static RigSpec Parse(string yaml, string sourceName)
    {
        YamlMap root = MiniYaml.Parse(yaml, sourceName);
        var flat = new List<(string Key, YamlNode Node)>();
        Flatten(root, "", flat, sourceName);

        string? name = null, description = null;
        var integrator = RigIntegrator.Rk4;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var ranges = new Dictionary<string, RigRange>(StringComparer.Ordinal);
        foreach (var (key, node) in flat)
        {
            if (key.StartsWith("randomization.", StringComparison.Ordinal))
            {
                string target = key.Substring("randomization.".Length);
                if (!ByKey.TryGetValue(target, out var p))
                    throw new YamlFormatException(sourceName, node.Line, key, $"'{target}' is not a rig parameter; known keys: {string.Join(", ", Keys)}.");
                if (node is not YamlList { Items.Count: 2 } list)
                    throw new YamlFormatException(sourceName, node.Line, key, "a randomisation range is a two-element list [low, high].");
                double lo = Number(list.Items[0], key, sourceName), hi = Number(list.Items[1], key, sourceName);
                if (!(lo <= hi))
                    throw new YamlFormatException(sourceName, node.Line, key, $"range [{Fmt(lo)}, {Fmt(hi)}] has low > high.");
                CheckValue(p, lo, sourceName, node.Line);
                CheckValue(p, hi, sourceName, node.Line);
                ranges[target] = new RigRange(lo, hi);
                continue;
            }
            switch (key)
            {
                case "name":
                    name = Text(node, key, sourceName);
                    if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\' or ':'))
                        throw new YamlFormatException(sourceName, node.Line, key, $"'{name}' is not a usable rig name; use letters, digits, '-' or '_'.");
                    continue;
                case "description":
                    description = Text(node, key, sourceName);
                    continue;
                case "control.integrator":
                    string text = Text(node, key, sourceName);
                    integrator = text switch
                    {
                        "rk4" => RigIntegrator.Rk4,
                        "semi_implicit_euler" => RigIntegrator.SemiImplicitEuler,
                        _ => throw new YamlFormatException(sourceName, node.Line, key, $"'{text}' is not an integrator; use rk4 or semi_implicit_euler."),
                    };
                    continue;
            }
            if (!ByKey.TryGetValue(key, out var param))
                throw new YamlFormatException(sourceName, node.Line, key,
                    $"unknown key; known keys: {string.Join(", ", StringKeys.Concat(Keys))}, randomization.<key>.");
            if (node is not YamlScalar scalar)
                throw new YamlFormatException(sourceName, node.Line, key, "expects a single number.");
            double value = param.Key == "limits.terminate" ? Bool(scalar, key, sourceName) : Number(scalar, key, sourceName);
            CheckValue(param, value, sourceName, node.Line);
            values[key] = value;
        }
        if (name is null) throw new YamlFormatException(sourceName, 1, "name", "is required (the rig's id, e.g. name: direct-drive).");
        foreach (var p in Table)
            if (p.Required && !values.ContainsKey(p.Key))
                throw new YamlFormatException(sourceName, 1, p.Key, $"is required ({p.Meaning}).");
        return new RigSpec(name, description, integrator, sourceName, values, ranges);
    }

    /// <summary>A copy with one parameter replaced (e.g. <c>pendulum.mass</c>, <c>delay_steps</c>). Derived
    /// defaults (com, inertia, back-EMF constant) follow the new value unless the file set them explicitly.</summary>
    public RigSpec WithOverride(string key, double value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!ByKey.TryGetValue(key, out var p)) throw UnknownKey(key);
        try { CheckValue(p, value, SourceName, 0); }
        catch (YamlFormatException e) { throw new ArgumentException($"Override {key}={Fmt(value)} rejected: {e.Message}", nameof(value)); }
        var values = new Dictionary<string, double>(_explicit, StringComparer.Ordinal) { [key] = value };
        return new RigSpec(Name, Description, Integrator, SourceName, values, Randomization);
    }

    /// <summary>The spec as a rig file that <see cref="Parse"/> reads back to the same values: every value the source
    /// file or an override set explicitly (derived defaults stay derived), the randomisation ranges, and
    /// <paramref name="header"/> as comment lines on top.</summary>
    public string ToYaml(string? header = null)
    {
        var w = new System.Text.StringBuilder();
        if (header is not null)
            foreach (string line in header.Split('\n')) w.Append("# ").AppendLine(line.TrimEnd('\r'));
        w.Append("name: ").AppendLine(Name);
        if (Description is not null) w.Append("description: ").AppendLine(Quote(Description));
        var sections = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var p in Table)
        {
            if (!_explicit.TryGetValue(p.Key, out double v)) continue;
            string text = p.Key == "limits.terminate" ? (v != 0 ? "true" : "false") : Fmt(v);
            int dot = p.Key.IndexOf('.');
            if (dot < 0) { w.Append(p.Key).Append(": ").AppendLine(text); continue; }
            string section = p.Key[..dot];
            if (!sections.TryGetValue(section, out var lines)) sections[section] = lines = [];
            lines.Add($"  {p.Key[(dot + 1)..]}: {text}");
        }
        string integrator = Integrator == RigIntegrator.Rk4 ? "rk4" : "semi_implicit_euler";
        if (!sections.TryGetValue("control", out var control)) sections["control"] = control = [];
        control.Add($"  integrator: {integrator}");
        foreach (var (section, lines) in sections)
        {
            w.Append(section).AppendLine(":");
            foreach (string line in lines) w.AppendLine(line);
        }
        if (Randomization.Count > 0)
        {
            w.AppendLine("randomization:");
            foreach (var (key, range) in Randomization) w.Append("  ").Append(key).Append(": [").Append(Fmt(range.Low)).Append(", ").Append(Fmt(range.High)).AppendLine("]");
        }
        return w.ToString();
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static ArgumentException UnknownKey(string key) =>
        new($"'{key}' is not a rig parameter; known keys: {string.Join(", ", Keys)}.", nameof(key));

    private static Dictionary<string, double> Resolve(Dictionary<string, double> values, string sourceName)
    {
        var r = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in Table) r[p.Key] = values.TryGetValue(p.Key, out double v) ? v : p.Default;
        if (double.IsNaN(r["pendulum.com"])) r["pendulum.com"] = r["pendulum.length"] / 2;
        if (double.IsNaN(r["pendulum.inertia"])) r["pendulum.inertia"] = r["pendulum.mass"] * r["pendulum.length"] * r["pendulum.length"] / 3;
        if (double.IsNaN(r["motor.back_emf_constant"])) r["motor.back_emf_constant"] = r["motor.torque_constant"];
        double inertia = r["pendulum.inertia"] + r["motor.gear_ratio"] * r["motor.gear_ratio"] * r["motor.rotor_inertia"];
        if (!(inertia > 0))
            throw new YamlFormatException(sourceName, 1, "pendulum.inertia", "the total inertia must be positive.");
        return r;
    }

    private static void CheckValue(RigParameter p, double value, string sourceName, int line)
    {
        if (!double.IsFinite(value))
            throw new YamlFormatException(sourceName, line, p.Key, $"{Fmt(value)} is not a finite number.");
        if (p.MinExclusive ? !(value > p.Min) : !(value >= p.Min))
            throw new YamlFormatException(sourceName, line, p.Key, $"{Fmt(value)} must be {(p.MinExclusive ? ">" : ">=")} {Fmt(p.Min)} ({p.Meaning}).");
        if (p.Integer && value != Math.Floor(value))
            throw new YamlFormatException(sourceName, line, p.Key, $"{Fmt(value)} must be a whole number ({p.Meaning}).");
        if (p.Integer && value > 1_000_000)
            throw new YamlFormatException(sourceName, line, p.Key, $"{Fmt(value)} is implausibly large (limit 1e6).");
    }

    private static void Flatten(YamlMap map, string prefix, List<(string, YamlNode)> flat, string sourceName)
    {
        foreach (var (key, node) in map.Entries)
        {
            string full = prefix + key;
            if (node is YamlMap child)
            {
                if (child.Entries.Count == 0) throw new YamlFormatException(sourceName, node.Line, full, "empty section.");
                Flatten(child, full + ".", flat, sourceName);
            }
            else flat.Add((full, node));
        }
    }

    private static string Text(YamlNode node, string key, string sourceName) =>
        node is YamlScalar s ? s.Text : throw new YamlFormatException(sourceName, node.Line, key, "expects a single text value.");

    private static double Number(YamlScalar s, string key, string sourceName)
    {
        if (!s.Quoted && double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
        throw new YamlFormatException(sourceName, s.Line, key, $"'{s.Text}' is not a number.");
    }

    private static double Bool(YamlScalar s, string key, string sourceName) => s.Text switch
    {
        "true" or "True" or "yes" => 1,
        "false" or "False" or "no" => 0,
        _ => throw new YamlFormatException(sourceName, s.Line, key, $"'{s.Text}' is not true or false."),
    };

    private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public override string ToString() => $"Rig '{Name}' from {SourceName}";
}
