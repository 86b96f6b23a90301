namespace TrpoEdge.Core.Checkpoints;

/// <summary>Tensor names and metadata keys of a <see cref="PolicyCheckpoint"/> file (docs/ARCHITECTURE.md contract 1).
/// Written here once so that Python users, tests and tools agree with the C# reader.</summary>
public static class CheckpointNames
{
    public static string PolicyWeight(int layer) => $"policy.{layer}.weight";
    public static string PolicyBias(int layer) => $"policy.{layer}.bias";
    public const string PolicyLogStd = "policy.log_std";
    public static string ValueWeight(int layer) => $"value.{layer}.weight";
    public static string ValueBias(int layer) => $"value.{layer}.bias";
    public const string ObsNormMean = "obs_norm.mean";
    public const string ObsNormVar = "obs_norm.var";
    public const string ObsNormCount = "obs_norm.count";
    public const string ValueOptimM = "value_optim.m";
    public const string ValueOptimV = "value_optim.v";
    public const string ValueOptimStep = "value_optim.step";
    /// <summary>The KL-penalty variant's policy optimiser (Adam over the policy network and log σ); present only in
    /// checkpoints written by a penalty run, so a resumed run continues where it stopped.</summary>
    public const string PolicyOptimM = "policy_optim.m";
    public const string PolicyOptimV = "policy_optim.v";
    public const string PolicyOptimStep = "policy_optim.step";
    public const string RecordedObs = "recorded.obs";

    public const string FormatVersion = "format_version";
    public const string EnvId = "env_id";
    public const string ObservationSpace = "observation_space";
    public const string ActionSpace = "action_space";
    public const string ControlPeriod = "control_period";
    public const string Hidden = "hidden";
    public const string Activation = "activation";
    public const string ObsClip = "obs_clip";
    public const string ObsEpsilon = "obs_epsilon";
    public const string PolicyVersion = "policy_version";
    public const string TotalSteps = "total_steps";
    public const string ParentSha256 = "parent_sha256";
    public const string Hyperparameters = "hyperparameters";
    /// <summary>The KL-penalty variant's adapted β for its next update; optional, written by penalty runs only.</summary>
    public const string PenaltyBeta = "penalty_beta";
    /// <summary>Lower-case hex SHA-256 of the data buffer (every tensor's bytes, in file order), checked on load:
    /// safetensors itself has no checksum, so without it flipped bytes in a weight would load silently. Optional:
    /// checkpoints written before it existed load unverified.</summary>
    public const string DataSha256 = "data_sha256";
    /// <summary>Prefix of the free-form <see cref="PolicyCheckpoint.Extra"/> entries.</summary>
    public const string ExtraPrefix = "extra.";
}
