namespace TrpoEdge.Core.Contracts;

/// <summary>The policy model contract (docs/ARCHITECTURE.md, "Policy model"): the names inside an exported model. The exporter writes
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

    /// <summary>The doc strings the exporter writes on the model's inputs and outputs: the contract, readable by
    /// anyone who opens the file (Netron, onnx.load) without this code.</summary>
    public static class Docs
    {
        public const string Observation =
            "Raw observations, float32 [batch, obs_dim], in the environment's own units (not normalised: the model subtracts the "
            + "training mean, divides by the standard deviation and clips, as in training). The space's bounds are in the metadata "
            + "trpoedge.observation_space; a bound of +-3.4028235e38 (float32 max) means unbounded, as in Gymnasium, and a true "
            + "infinity is written \"inf\"/\"-inf\". Feed only finite values: a runtime must stop on NaN or infinity before inference.";

        public const string ContinuousAction =
            "Deterministic action, float32 [batch, act_dim]: the Gaussian mean clipped to the action space's bounds. Send this to the "
            + "plant when not exploring.";

        public const string ActionMean =
            "Unclipped mean of the diagonal Gaussian policy, float32 [batch, act_dim].";

        public const string ActionLogStd =
            "Natural log of the Gaussian's standard deviation per action dimension, float32 [batch, act_dim] (state-independent, the "
            + "same row for every observation). Exploration: a = action_mean + exp(action_log_std) * z with z ~ N(0, I), then clip a "
            + "to the bounds before sending it; log pi(a|s) = sum_j [-(a_j - mean_j)^2 / (2 exp(2 log_std_j)) - log_std_j - log(2 pi)/2], "
            + "computed on the unclipped a, is the behaviour log-probability a retraining log must record.";

        public const string DiscreteAction =
            "Deterministic action, int64 [batch]: argmax of the logits (ties go to the lowest index).";

        public const string Logits =
            "Unnormalised log-probabilities, float32 [batch, n_actions]. Exploration: sample a ~ softmax(logits); its behaviour "
            + "log-probability is logits[a] - logsumexp(logits).";

        public const string Metadata =
            "Metadata: trpoedge.env_id, trpoedge.observation_space and trpoedge.action_space (JSON spaces), trpoedge.control_period "
            + "(seconds per control step, e.g. 0.05 = 20 Hz), trpoedge.policy_version, trpoedge.checkpoint_sha256 (the checkpoint "
            + "exported), trpoedge.format_version (the runtime refuses other versions).";
    }

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
