using System.Globalization;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Plants;

/// <summary>A plant backed by a sim environment: a Gymnasium env, a rig file, a perturbed rig (a "real"
/// pendulum that differs from the one the policy was trained on) or a domain-randomised rig.</summary>
public sealed class SimulatedPlant : IPlant
{
    private readonly IEnv _env;

    public SimulatedPlant(IEnv env, string? description = null, RigLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        _env = env;
        EnvId = env.Id;
        ObservationSpace = SpaceConversion.ToSpec(env.ObservationSpace);
        ActionSpace = SpaceConversion.ToSpec(env.ActionSpace);
        ControlPeriod = env.ControlPeriod;
        Limits = limits;
        Description = description ?? "sim " + env.Id;
    }

    /// <summary>Builds the plant the options describe. Perturbations need a rig: the Gymnasium envs
    /// reproduce Gymnasium exactly and have no parameters to change, so asking for one is refused with
    /// the list of rig keys.</summary>
    public static SimulatedPlant Create(SimulatedPlantOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        RigSpec? spec = null;
        string source;
        if (!string.IsNullOrWhiteSpace(options.RigFile))
        {
            spec = RigSpec.Load(options.RigFile);
            source = options.RigFile;
        }
        else
        {
            string id = options.EnvId!;
            source = id;
            if (id.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || id.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                spec = RigSpec.Load(id);
            else if (id.StartsWith("Rig:", StringComparison.Ordinal))
            {
                string path = EnvRegistry.FindRigFile(id[4..])
                    ?? throw new ArgumentException($"No rig file for \"{id}\": looked for hardware/rigs/{id[4..]}.yaml (TRPOEDGE_RIGS_DIR, the working directory and the application directory). Pass --rig FILE.");
                spec = RigSpec.Load(path);
            }
        }

        if (spec is null)
        {
            if (options.Perturbations.Count > 0)
                throw new ArgumentException(
                    $"{options.EnvId} reproduces Gymnasium exactly and has no parameters to perturb (asked: {string.Join(", ", options.Perturbations.Select(p => p.Key))}). "
                    + $"Perturb a rig instead: --rig hardware/rigs/<rig>.yaml --perturb KEY=VALUE, with KEY one of: {string.Join(", ", RigSpec.Keys)}.");
            if (options.Randomize)
                throw new ArgumentException($"--randomize needs a rig file with a randomization: section; {options.EnvId} has no parameters to randomise.");
            return new SimulatedPlant(EnvRegistry.Make(options.EnvId!));
        }

        foreach (var (key, value) in options.Perturbations)
            spec = spec.WithOverride(key, value); // unknown key: ArgumentException listing the rig's keys
        if (options.Randomize && spec.Randomization.Count == 0)
            throw new ArgumentException($"--randomize: {spec} has no randomization: section; add ranges such as randomization: {{ pendulum.mass: [0.2, 0.3] }}.");
        IEnv env = options.Randomize ? new RandomizedRigEnv(spec) : new RigEnv(spec);
        string description = $"sim {env.Id} ({source})"
            + (options.Perturbations.Count > 0 ? " perturbed " + string.Join(" ", options.Perturbations.Select(p => $"{p.Key}={p.Value.ToString("R", CultureInfo.InvariantCulture)}")) : "")
            + (options.Randomize ? " randomized" : "");
        bool hasLimits = spec.Limits.MaxAngle is not null || spec.Limits.MaxVelocity is not null;
        return new SimulatedPlant(env, description, hasLimits ? spec.Limits : null);
    }

    public IEnv Env => _env;
    public string EnvId { get; }
    public SpaceSpec ObservationSpace { get; }
    public SpaceSpec ActionSpace { get; }
    public double ControlPeriod { get; }
    public RigLimits? Limits { get; }
    public bool IsSimulated => true;
    public string Description { get; }
    public int MaxEpisodeSteps => _env.MaxEpisodeSteps;

    /// <summary>How many times the actuator was put at rest; the simulator has no actuator to hold, so
    /// this is all Stop does.</summary>
    public int StopCount { get; private set; }

    public void Reset(ulong? seed, Span<float> observation) => _env.Reset(seed, observation);

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation) => _env.Step(action, observation);

    public void Stop() => StopCount++;

    public void Dispose()
    {
        Stop();
        (_env as IDisposable)?.Dispose();
    }
}
