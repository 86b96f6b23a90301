namespace TrpoEdge.Core.Contracts;

/// <summary>DESIGN.md contract 2: the names inside an exported policy model. The exporter writes
/// them and the runtime checks them; nobody types these strings anywhere else.</summary>
public static class PolicyModelContract
{
    /// <summary>Bumped when a name or meaning below changes; the runtime refuses other versions.</summary>
    public const int FormatVersion = 1;

    public const int Opset = 17;
    public const long IrVersion = 8;
    public const string ProducerName = "trpoedge";

    /// <summary>Symbolic batch dimension of every input and output.</summary>
    public const string BatchDim = "batch";

    /// <summary>Input: float32 [batch, obs_dim], raw (unnormalised) observations.</summary>
    public const string ObservationInput = "obs";

    /// <summary>Continuous: float32 [batch, act_dim], mean clipped to the action bounds.
    /// Discrete: int64 [batch], argmax of the logits.</summary>
    public const string ActionOutput = "action";
    /// <summary>Continuous only: float32 [batch, act_dim], unclipped Gaussian mean.</summary>
    public const string ActionMeanOutput = "action_mean";
    /// <summary>Continuous only: float32 [batch, act_dim], the state-independent log standard deviation, broadcast.</summary>
    public const string ActionLogStdOutput = "action_log_std";
    /// <summary>Discrete only: float32 [batch, n_actions], unnormalised log-probabilities.</summary>
    public const string LogitsOutput = "logits";

    /// <summary>Keys of the model's metadata_props.</summary>
    public static class Metadata
    {
        public const string FormatVersion = "trpoedge.format_version";
        public const string EnvId = "trpoedge.env_id";
        /// <summary>JSON of <see cref="Spaces.SpaceSpec"/>.</summary>
        public const string ObservationSpace = "trpoedge.observation_space";
        /// <summary>JSON of <see cref="Spaces.SpaceSpec"/>.</summary>
        public const string ActionSpace = "trpoedge.action_space";
        /// <summary>Seconds per control step, invariant-culture "R" format.</summary>
        public const string ControlPeriod = "trpoedge.control_period";
        public const string PolicyVersion = "trpoedge.policy_version";
        /// <summary>Lower-case hex SHA-256 of the checkpoint file the model was exported from.</summary>
        public const string CheckpointSha256 = "trpoedge.checkpoint_sha256";
    }
}
