using System.Text.Json;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Constraints;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Normalization;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Training;

/// <summary>Everything a checkpoint holds, live: policy, critic with its optimiser, observation normaliser and the
/// bookkeeping of the contract (environment, spaces, versions). Training and retraining both act on an agent;
/// <see cref="ToCheckpoint"/> and <see cref="FromCheckpoint"/> map it to and from docs/ARCHITECTURE.md contract 1.</summary>
public sealed class Agent
{
    private Agent(TrainingOptions options, string envId, SpaceSpec observation, SpaceSpec action, double controlPeriod,
        MlpPolicy policy, ValueFunction critic, ObservationNormalizer normalizer, IEngineProvider engines)
    {
        Engines = engines;
        Options = options;
        EnvId = envId;
        ObservationSpec = observation;
        ActionSpec = action;
        ControlPeriod = controlPeriod;
        Policy = policy;
        Critic = critic;
        Normalizer = normalizer;
    }

    public TrainingOptions Options { get; private set; }
    public string EnvId { get; }
    public SpaceSpec ObservationSpec { get; }
    public SpaceSpec ActionSpec { get; }
    public double ControlPeriod { get; }
    public MlpPolicy Policy { get; }
    public ValueFunction Critic { get; }
    public ObservationNormalizer Normalizer { get; }
    /// <summary>Which engines compute the updates (<see cref="Policy"/> and <see cref="Critic"/>'s network stay the
    /// host models of record either way).</summary>
    public IEngineProvider Engines { get; }
    /// <summary>Increments with every accepted policy update.</summary>
    public long PolicyVersion { get; set; }
    public long TotalSteps { get; set; }
    public string? ParentSha256 { get; set; }
    /// <summary>Free metadata carried from checkpoint to checkpoint (stored as extra.*), e.g. the lineage.</summary>
    public Dictionary<string, string> Extra { get; } = new(StringComparer.Ordinal);
    /// <summary>The KL-penalty variant's β and Adam state as of the last save, so a resumed penalty run continues
    /// with them; null until a penalty run saves (trust-region runs carry whatever the checkpoint had).</summary>
    public KlPenaltyState? PenaltyState { get; set; }

    public static Agent Create(TrainingOptions options, string envId, SpaceSpec observation, SpaceSpec action, double controlPeriod, IEngineProvider? engines = null)
    {
        engines ??= ManagedEngineProvider.Instance;
        options.Validate();
        Activation activation = PolicyFactory.ParseActivation(options.Activation);
        MlpPolicy policy = PolicyFactory.CreatePolicy(observation, action, options.Hidden, activation, options.LogStdInit, options.Seed);
        Mlp criticNet = PolicyFactory.CreateCritic(observation, options.Hidden, activation, options.Seed + 0x9E3779B97F4A7C15UL);
        var critic = new ValueFunction(criticNet, observation.Size, new AdamOptions(options.Trpo.CriticLearningRate), engines)
        {
            HeadRidge = options.Trpo.CriticHeadSolve ? options.Trpo.CriticHeadRidge : null,
        };
        var normalizer = new ObservationNormalizer(observation.Size, options.ObservationClip, 1e-8f, options.NormalizeObservations);
        return new Agent(options, envId, observation, action, controlPeriod, policy, critic, normalizer, engines);
    }

    /// <summary>Rebuilds an agent from a checkpoint. <paramref name="overrides"/> may change training settings
    /// (budget, seed, hyperparameters) but not the network shape, which the checkpoint fixes. Without overrides the
    /// checkpoint's own stored options are used, and a checkpoint whose options cannot be read is refused: falling
    /// back to defaults would silently retrain with another γ, λ or δ than the policy was trained with.</summary>
    public static Agent FromCheckpoint(PolicyCheckpoint checkpoint, TrainingOptions? overrides = null, IEngineProvider? engines = null)
    {
        TrainingOptions options = (overrides ?? StoredOptions(checkpoint)) with
        {
            EnvId = checkpoint.EnvId,
            Hidden = checkpoint.Hidden,
            Activation = checkpoint.Activation,
            ObservationClip = checkpoint.ObsNorm.Clip,
        };
        var agent = Create(options, checkpoint.EnvId, checkpoint.ObservationSpace, checkpoint.ActionSpace, checkpoint.ControlPeriod, engines);
        CopyLayers(checkpoint.PolicyLayers, agent.Policy.Network, "policy");
        if (checkpoint.LogStd is { } logStd) logStd.CopyTo(agent.Policy.Head);
        CopyLayers(checkpoint.ValueLayers, agent.Critic.Network, "value");
        agent.Normalizer.Restore(checkpoint.ObsNorm);
        agent.Critic.Restore(checkpoint.ValueOptimizer is { } adam && adam.M.Length == agent.Critic.Network.ParameterCount ? adam : null);
        agent.PolicyVersion = checkpoint.PolicyVersion;
        agent.TotalSteps = checkpoint.TotalSteps;
        agent.ParentSha256 = checkpoint.ParentSha256;
        // A best file's selection record describes that file only, not the checkpoints trained on from it.
        foreach (var (key, value) in checkpoint.Extra)
            if (!key.StartsWith(BestPolicyKeeper.ExtraPrefix, StringComparison.Ordinal)) agent.Extra[key] = value;
        // The loader already checked the moments' length against the policy's parameters.
        if (checkpoint.PenaltyBeta is double beta && checkpoint.PolicyOptimizer is { } policyAdam)
            agent.PenaltyState = new KlPenaltyState(beta, policyAdam);
        return agent;
    }

    public PolicyCheckpoint ToCheckpoint(float[]? recordedObservations = null, IReadOnlyDictionary<string, string>? extra = null) => new()
    {
        EnvId = EnvId,
        ObservationSpace = ObservationSpec,
        ActionSpace = ActionSpec,
        ControlPeriod = ControlPeriod,
        Hidden = Options.Hidden,
        Activation = Options.Activation,
        PolicyLayers = ExportLayers(Policy.Network),
        LogStd = ActionSpec.Kind == SpaceKind.Box ? Policy.Head.ToArray() : null,
        ValueLayers = ExportLayers(Critic.Network),
        ObsNorm = Normalizer.Export(),
        ValueOptimizer = Critic.ExportOptimizer(),
        PolicyOptimizer = PenaltyState?.Optimizer,
        PenaltyBeta = PenaltyState?.Beta,
        PolicyVersion = PolicyVersion,
        TotalSteps = TotalSteps,
        ParentSha256 = ParentSha256,
        Hyperparameters = SerializeOptions(Options),
        RecordedObservations = recordedObservations,
        Extra = Merge(Extra, extra),
    };

    private static Dictionary<string, string> Merge(Dictionary<string, string> carried, IReadOnlyDictionary<string, string>? extra)
    {
        var merged = new Dictionary<string, string>(carried, StringComparer.Ordinal);
        if (extra is not null) foreach (var (key, value) in extra) merged[key] = value;
        return merged;
    }

    private static DenseLayer[] ExportLayers(Mlp net)
    {
        var layers = new DenseLayer[net.LayerCount];
        for (int i = 0; i < layers.Length; i++)
        {
            int outputs = net.Bias(i).Length;
            int inputs = net.Weight(i).Length / outputs;
            layers[i] = new DenseLayer(inputs, outputs, net.Weight(i).ToArray(), net.Bias(i).ToArray());
        }
        return layers;
    }

    private static void CopyLayers(IReadOnlyList<DenseLayer> layers, Mlp net, string prefix)
    {
        if (layers.Count != net.LayerCount)
            throw new InvalidDataException($"Checkpoint has {layers.Count} {prefix} layers; the network needs {net.LayerCount}.");
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Weight.Length != net.Weight(i).Length || layers[i].Bias.Length != net.Bias(i).Length)
                throw new InvalidDataException($"Checkpoint tensor {prefix}.{i} has shape [{layers[i].Out}, {layers[i].In}]; the network needs {net.Bias(i).Length} outputs and {net.Weight(i).Length / Math.Max(1, net.Bias(i).Length)} inputs.");
            layers[i].Weight.CopyTo(net.Weight(i));
            layers[i].Bias.CopyTo(net.Bias(i));
        }
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private static string SerializeOptions(TrainingOptions options) => JsonSerializer.Serialize(options, Json);

    /// <summary>The training options stored in the checkpoint's metadata; throws when they are missing or unreadable.</summary>
    public static TrainingOptions StoredOptions(PolicyCheckpoint checkpoint)
    {
        string json = checkpoint.Hyperparameters;
        const string what = "Give the options explicitly (trainer train --resume CKPT --config FILE), or use a checkpoint written by this version of the trainer.";
        if (string.IsNullOrWhiteSpace(json))
            throw new InvalidDataException($"The checkpoint ({checkpoint.EnvId}, policy version {checkpoint.PolicyVersion}) stores no training options (metadata \"hyperparameters\" is empty), so γ, λ, δ and the critic's settings are unknown. {what}");
        try
        {
            return JsonSerializer.Deserialize<TrainingOptions>(json, Json)
                ?? throw new InvalidDataException($"The checkpoint's training options are JSON null. {what}");
        }
        catch (JsonException e)
        {
            string shown = json.Length > 120 ? json[..120] + "…" : json;
            throw new InvalidDataException($"The checkpoint's training options cannot be read ({e.Message}): {shown}. {what}", e);
        }
    }

}
