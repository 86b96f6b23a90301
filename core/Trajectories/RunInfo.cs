using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Core.Trajectories;

/// <summary>What a run of a policy on a plant was: one row of the store's <c>runs</c> table. The trainer
/// checks <see cref="EnvId"/> and the spaces against its checkpoint before it learns from the run's steps,
/// so they must describe the plant exactly as the policy saw it.</summary>
public sealed record RunInfo
{
    /// <summary>Environment id the policy was trained for, e.g. "Pendulum-v1" or "Rig:nominal".</summary>
    public required string EnvId { get; init; }
    public required SpaceSpec ObservationSpace { get; init; }
    /// <summary>Discrete actions are stored as one float holding the index.</summary>
    public required SpaceSpec ActionSpace { get; init; }
    /// <summary>The program that logged the run, e.g. "runtime 1.0".</summary>
    public string Program { get; init; } = "unknown";
    public string Host { get; init; } = Environment.MachineName;
    /// <summary>Lower-case hex SHA-256 of the model file that acted (the .onnx the runtime loaded), if known.</summary>
    public string? ModelSha256 { get; init; }
    /// <summary>Lower-case hex SHA-256 of the checkpoint the acting model was exported from (the model's
    /// <c>trpoedge.checkpoint_sha256</c> metadata), so the trainer can tell whether the behaviour policy is its own
    /// checkpoint (on-policy) or an ancestor, and refuse data from unrelated policies.</summary>
    public string? CheckpointSha256 { get; init; }
    /// <summary>Policy version of the model at the start of the run; each step also records its own.</summary>
    public long PolicyVersion { get; init; }
    /// <summary>Free text describing the plant: "sim Pendulum-v1 perturbed pendulum.mass=1.3", a serial port, ...</summary>
    public string? Plant { get; init; }
    /// <summary>Seconds per control step, if the run had a fixed period.</summary>
    public double? ControlPeriod { get; init; }
    public string? Notes { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that cannot be stored.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(EnvId))
            throw new ArgumentException("RunInfo.EnvId is empty; set it to the environment id the policy acts in (e.g. \"Pendulum-v1\").");
        if (ObservationSpace is null) throw new ArgumentException("RunInfo.ObservationSpace is null; set it to the plant's observation space.");
        if (ActionSpace is null) throw new ArgumentException("RunInfo.ActionSpace is null; set it to the plant's action space.");
        if (ObservationSpace.Kind != SpaceKind.Box)
            throw new ArgumentException($"RunInfo.ObservationSpace must be a box (observations are stored as float32 vectors); got {ObservationSpace}.");
        if (ControlPeriod is { } p && !(p > 0 && double.IsFinite(p)))
            throw new ArgumentException($"RunInfo.ControlPeriod is {p}; it must be a positive number of seconds, or null when the run had no fixed period.");
        if (ModelSha256 is { } h && (h.Length != 64 || !h.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')))
            throw new ArgumentException($"RunInfo.ModelSha256 is \"{h}\"; it must be 64 lower-case hex digits, or null when unknown.");
        if (CheckpointSha256 is { } c && (c.Length != 64 || !c.All(ch => ch is >= '0' and <= '9' or >= 'a' and <= 'f')))
            throw new ArgumentException($"RunInfo.CheckpointSha256 is \"{c}\"; it must be 64 lower-case hex digits, or null when unknown.");
        if (PolicyVersion < 0)
            throw new ArgumentException($"RunInfo.PolicyVersion is {PolicyVersion}; policy versions start at 0.");
    }
}
