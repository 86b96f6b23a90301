using System.Globalization;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Core.Spaces;
using Microsoft.ML.OnnxRuntime.Tensors;
using TrpoEdge.Runtime.Inference;

namespace TrpoEdge.Runtime.Policy;

/// <summary>Checks a loaded model against DESIGN.md contract 2 and against the plant it is about to
/// drive, collecting every finding instead of stopping at the first (ML-Agents' BarracudaModelParamLoader
/// does the same: a user fixes all problems in one go). Messages state expected vs found and a remedy.</summary>
public static class PolicyContractChecker
{
    /// <param name="exploration">Exploration needs the distribution outputs; without it their absence is only a warning.</param>
    /// <param name="allowOtherEnv">Report a different environment id as a warning instead of an error (spaces must
    /// still fit): running a Pendulum-v1 policy on a rig is a legitimate transfer experiment.</param>
    public static ContractReport Check(OnnxModel session, string modelSha256, PlantDescription plant, bool exploration, bool allowOtherEnv = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(plant);
        var checks = new List<ContractCheck>();
        PolicyModelInfo info = ReadInfo(session, modelSha256, checks);

        CheckMetadata(info, plant, allowOtherEnv, checks);
        CheckObservationInput(session, plant, checks);
        // Outputs are checked against the model's own action space when its kind differs from the plant's:
        // the kind mismatch is already reported, and checking a continuous model for int64 actions only adds noise.
        SpaceSpec act = info.ActionSpace is { } declared && declared.Kind != plant.ActionSpace.Kind ? declared : plant.ActionSpace;
        CheckOutputs(session, act, act.Kind == SpaceKind.Discrete, exploration, checks);
        return new ContractReport(info, checks);
    }

    /// <summary>Reads the metadata_props of contract 2; unparsable values become errors in <paramref name="checks"/>.</summary>
    public static PolicyModelInfo ReadInfo(OnnxModel session, string modelSha256, List<ContractCheck> checks)
    {
        OnnxModelMetadata m = session.Metadata;
        int? format = null;
        string? formatText = m.LookupCustomMetadata(PolicyModelContract.Metadata.FormatVersion);
        if (formatText is null)
            checks.Add(Error($"The model has no \"{PolicyModelContract.Metadata.FormatVersion}\" metadata, so it was not written by the TrpoEdge exporter "
                + "(producer \"" + m.ProducerName + "\"). Export the checkpoint with `exporter --onnx`."));
        else if (int.TryParse(formatText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int f))
            format = f;
        else
            checks.Add(Error($"Metadata \"{PolicyModelContract.Metadata.FormatVersion}\" is \"{formatText}\", not an integer. Re-export the model."));

        SpaceSpec? obs = ParseSpace(m, PolicyModelContract.Metadata.ObservationSpace, checks);
        SpaceSpec? act = ParseSpace(m, PolicyModelContract.Metadata.ActionSpace, checks);

        double? period = null;
        string? periodText = m.LookupCustomMetadata(PolicyModelContract.Metadata.ControlPeriod);
        if (periodText is not null)
        {
            if (double.TryParse(periodText, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p > 0 && double.IsFinite(p)) period = p;
            else checks.Add(Error($"Metadata \"{PolicyModelContract.Metadata.ControlPeriod}\" is \"{periodText}\", not a positive number of seconds. Re-export the model."));
        }

        long version = 0;
        string? versionText = m.LookupCustomMetadata(PolicyModelContract.Metadata.PolicyVersion);
        if (versionText is null)
            checks.Add(Warning($"The model has no \"{PolicyModelContract.Metadata.PolicyVersion}\" metadata; logged steps will say policy version 0."));
        else if (!long.TryParse(versionText, NumberStyles.Integer, CultureInfo.InvariantCulture, out version) || version < 0)
        {
            checks.Add(Error($"Metadata \"{PolicyModelContract.Metadata.PolicyVersion}\" is \"{versionText}\", not a non-negative integer. Re-export the model."));
            version = 0;
        }

        return new PolicyModelInfo
        {
            FormatVersion = format,
            EnvId = m.LookupCustomMetadata(PolicyModelContract.Metadata.EnvId),
            ObservationSpace = obs,
            ActionSpace = act,
            ControlPeriod = period,
            PolicyVersion = version,
            CheckpointSha256 = m.LookupCustomMetadata(PolicyModelContract.Metadata.CheckpointSha256),
            ModelSha256 = modelSha256,
            ProducerName = m.ProducerName,
        };
    }

    private static void CheckMetadata(PolicyModelInfo info, PlantDescription plant, bool allowOtherEnv, List<ContractCheck> checks)
    {
        if (info.FormatVersion is { } f && f != PolicyModelContract.FormatVersion)
            checks.Add(Error($"The model's format version is {f}, but this runtime reads version {PolicyModelContract.FormatVersion}. "
                + (f > PolicyModelContract.FormatVersion ? "Update the runtime." : "Re-export the checkpoint with the current exporter.")));

        if (info.EnvId is null)
            checks.Add(Error($"The model has no \"{PolicyModelContract.Metadata.EnvId}\" metadata, so it cannot be matched to the plant \"{plant.EnvId}\". Re-export the model."));
        else if (info.EnvId != plant.EnvId)
            checks.Add(allowOtherEnv
                ? Warning($"The model was trained for environment \"{info.EnvId}\" and runs on \"{plant.EnvId}\" (allowed by request).")
                : Error($"The model was trained for environment \"{info.EnvId}\" but the plant is \"{plant.EnvId}\". "
                    + $"Run it against \"{info.EnvId}\" (e.g. --sim {info.EnvId}), train a policy for \"{plant.EnvId}\", "
                    + "or pass --allow-other-env to try the transfer anyway."));

        if (info.ObservationSpace is { } mo)
        {
            SpaceSpec po = plant.ObservationSpace;
            if (mo.Kind != po.Kind || mo.Size != po.Size)
                checks.Add(Error($"The model's observation space is {mo} but the plant gives {po}; the policy cannot read these observations."));
            else if (!mo.Equals(po))
                checks.Add(Warning($"Observation bounds differ: model {mo}, plant {po}. The policy may see values it never saw in training."));
        }
        else if (!checks.Any(c => c.Message.Contains(PolicyModelContract.Metadata.ObservationSpace, StringComparison.Ordinal)))
            checks.Add(Error($"The model has no \"{PolicyModelContract.Metadata.ObservationSpace}\" metadata. Re-export the model."));

        if (info.ActionSpace is { } ma)
        {
            SpaceSpec pa = plant.ActionSpace;
            if (ma.Kind != pa.Kind)
                checks.Add(Error($"The model acts in a {ma.Kind.ToString().ToLowerInvariant()} action space ({ma}) but the plant takes {pa.Kind.ToString().ToLowerInvariant()} actions ({pa})."));
            else if (ma.Size != pa.Size)
                checks.Add(Error($"The model's action space is {ma} but the plant's is {pa}: "
                    + (ma.Kind == SpaceKind.Box ? $"{ma.Size} vs {pa.Size} action dimensions." : $"{ma.Size} vs {pa.Size} actions.")));
            else if (!ma.Equals(pa))
                checks.Add(Warning($"Action bounds differ: model {ma}, plant {pa}. The safety layer clamps every action to the plant's bounds."));
        }
        else if (!checks.Any(c => c.Message.Contains(PolicyModelContract.Metadata.ActionSpace, StringComparison.Ordinal)))
            checks.Add(Error($"The model has no \"{PolicyModelContract.Metadata.ActionSpace}\" metadata. Re-export the model."));

        if (info.ControlPeriod is { } p)
        {
            if (Math.Abs(p - plant.ControlPeriod) > 1e-6 * Math.Max(p, plant.ControlPeriod))
                checks.Add(Warning($"The policy was trained at a control period of {Fmt(p)} s ({Fmt(1 / p)} Hz) but the plant runs at {Fmt(plant.ControlPeriod)} s ({Fmt(1 / plant.ControlPeriod)} Hz); it will probably behave differently."));
        }
        else if (!checks.Any(c => c.Message.Contains(PolicyModelContract.Metadata.ControlPeriod, StringComparison.Ordinal)))
            checks.Add(Warning($"The model has no \"{PolicyModelContract.Metadata.ControlPeriod}\" metadata; using the plant's period {Fmt(plant.ControlPeriod)} s."));

        if (info.CheckpointSha256 is { } sha)
            checks.Add(new ContractCheck(CheckSeverity.Info, $"Exported from checkpoint {sha}, policy version {info.PolicyVersion}."));
    }

    private static void CheckObservationInput(OnnxModel session, PlantDescription plant, List<ContractCheck> checks)
    {
        string name = PolicyModelContract.ObservationInput;
        NodeInfo? obs = session.FindInput(name);
        if (obs is null)
        {
            checks.Add(Error($"The model has no input \"{name}\"; its inputs are {List(session.Inputs)}. A policy model takes one float32 input \"{name}\" [batch, obs_dim]."));
            return;
        }
        foreach (NodeInfo other in session.Inputs.Where(i => i.Name != name))
            checks.Add(Error($"The model has an extra input {other} that the runtime cannot feed; a policy model takes only \"{name}\"."));
        if (obs.ElementType != TensorElementType.Float)
            checks.Add(Error($"Input \"{name}\" is {NodeInfo.TypeName(obs.ElementType)}, expected float32."));
        CheckBatchShape(obs, plant.ObservationSpace.FlatSize, "observation", checks);
    }

    private static void CheckOutputs(OnnxModel session, SpaceSpec act, bool discrete, bool exploration, List<ContractCheck> checks)
    {
        if (discrete)
        {
            RequireOutput(session, PolicyModelContract.ActionOutput, TensorElementType.Int64, rank: 1, lastDim: 0, required: true, "argmax action", checks);
            RequireOutput(session, PolicyModelContract.LogitsOutput, TensorElementType.Float, rank: 2, lastDim: act.Size, required: exploration, "logits (needed to explore)", checks);
        }
        else
        {
            RequireOutput(session, PolicyModelContract.ActionOutput, TensorElementType.Float, rank: 2, lastDim: act.Size, required: true, "deterministic action", checks);
            RequireOutput(session, PolicyModelContract.ActionMeanOutput, TensorElementType.Float, rank: 2, lastDim: act.Size, required: exploration, "Gaussian mean (needed to explore)", checks);
            RequireOutput(session, PolicyModelContract.ActionLogStdOutput, TensorElementType.Float, rank: 2, lastDim: act.Size, required: exploration, "Gaussian log std (needed to explore)", checks);
        }
    }

    private static void RequireOutput(OnnxModel session, string name, TensorElementType type, int rank, int lastDim, bool required,
        string what, List<ContractCheck> checks)
    {
        NodeInfo? node = session.FindOutput(name);
        if (node is null)
        {
            string message = $"The model has no output \"{name}\" ({what}); its outputs are {List(session.Outputs)}.";
            checks.Add(required ? Error(message + " Re-export the checkpoint with the current exporter.") : Warning(message + " Deterministic runs do not need it."));
            return;
        }
        if (node.ElementType != type)
            checks.Add(Error($"Output \"{name}\" is {NodeInfo.TypeName(node.ElementType)}, expected {NodeInfo.TypeName(type)}."));
        if (rank == 1)
        {
            if (node.Dimensions.Count != 1)
                checks.Add(Error($"Output {node} should be [batch] (one action index per row)."));
            else CheckBatchDim(node, checks);
            return;
        }
        CheckBatchShape(node, lastDim, "action", checks);
    }

    private static void CheckBatchShape(NodeInfo node, int size, string what, List<ContractCheck> checks)
    {
        if (node.Dimensions.Count != 2)
        {
            checks.Add(Error($"\"{node.Name}\" has shape {Shape(node)}; expected [batch, {size}]."));
            return;
        }
        CheckBatchDim(node, checks);
        long d = node.Dimensions[1];
        if (d >= 0 && d != size)
            checks.Add(Error($"\"{node.Name}\" has {d} {what} values per row but the plant {(what == "observation" ? "gives" : "takes")} {size}: "
                + "this model was trained for a different plant."));
        else if (d < 0)
            checks.Add(Warning($"\"{node.Name}\" has a symbolic last dimension {Shape(node)}; its size ({size}) is only checked at run time."));
    }

    private static void CheckBatchDim(NodeInfo node, List<ContractCheck> checks)
    {
        long b = node.Dimensions[0];
        if (b >= 0 && b != 1)
            checks.Add(Error($"\"{node.Name}\" has a fixed batch dimension of {b}; the control loop runs one observation at a time. Export with a symbolic batch dimension."));
    }

    private static SpaceSpec? ParseSpace(OnnxModelMetadata m, string key, List<ContractCheck> checks)
    {
        string? json = m.LookupCustomMetadata(key);
        if (json is null) return null;
        try
        {
            return SpaceSpec.Parse(json);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            checks.Add(Error($"Metadata \"{key}\" is not a valid space ({e.Message}). Re-export the model."));
            return null;
        }
    }

    private static string Shape(NodeInfo n) => "[" + string.Join(", ", n.Dimensions.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture))) + "]";
    private static string List(IReadOnlyList<NodeInfo> nodes) => nodes.Count == 0 ? "(none)" : string.Join(", ", nodes);
    private static string Fmt(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
    private static ContractCheck Error(string m) => new(CheckSeverity.Error, m);
    private static ContractCheck Warning(string m) => new(CheckSeverity.Warning, m);
}
