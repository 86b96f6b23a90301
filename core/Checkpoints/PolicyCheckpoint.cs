using System.Globalization;
using System.Text.Json;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Core.Checkpoints;

/// <summary>A trained policy as one safetensors file (docs/ARCHITECTURE.md contract 1): policy and value networks,
/// log σ, observation normaliser, the value optimiser's state and the metadata that says what the networks
/// are for. Tensor names and metadata keys are in <see cref="CheckpointNames"/>. Saving and loading run the
/// same validation, so anything that saves also loads, and a save–load–save round trip is byte-identical.</summary>
public sealed record PolicyCheckpoint
{
    /// <summary>The format this build writes and reads. Bump it when a name, shape or meaning changes.</summary>
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string EnvId { get; init; }
    public required SpaceSpec ObservationSpace { get; init; }
    public required SpaceSpec ActionSpace { get; init; }
    /// <summary>Seconds per control step.</summary>
    public required double ControlPeriod { get; init; }
    /// <summary>Hidden layer widths, shared by policy and value networks.</summary>
    public required int[] Hidden { get; init; }
    /// <summary>"tanh" or "relu".</summary>
    public string Activation { get; init; } = "tanh";
    /// <summary>Hidden.Length + 1 layers: obs → hidden… → action dimension (Box) or action count (Discrete).</summary>
    public required IReadOnlyList<DenseLayer> PolicyLayers { get; init; }
    /// <summary>Hidden.Length + 1 layers: obs → hidden… → 1.</summary>
    public required IReadOnlyList<DenseLayer> ValueLayers { get; init; }
    /// <summary>State-independent log σ, one per action dimension; present exactly when the action space is a Box.</summary>
    public float[]? LogStd { get; init; }
    public required ObservationNormState ObsNorm { get; init; }
    public AdamState? ValueOptimizer { get; init; }
    /// <summary>The KL-penalty variant's Adam state over the policy's parameters (network, then log σ); null for
    /// trust-region runs, which keep no optimiser state between updates.</summary>
    public AdamState? PolicyOptimizer { get; init; }
    /// <summary>The KL-penalty variant's β for its next update; null for trust-region runs.</summary>
    public double? PenaltyBeta { get; init; }
    /// <summary>Increments with every accepted policy update.</summary>
    public long PolicyVersion { get; init; }
    public long TotalSteps { get; init; }
    /// <summary>Lower-case hex SHA-256 of the checkpoint this one was trained from, or null for a fresh start.</summary>
    public string? ParentSha256 { get; init; }
    /// <summary>The hyperparameters as a JSON document.</summary>
    public string Hyperparameters { get; init; } = "{}";
    /// <summary>[n * obs_dim] raw observations seen in training; the exporter's --verify replays them.</summary>
    public float[]? RecordedObservations { get; init; }
    /// <summary>Free-form strings, stored as metadata "extra.&lt;key&gt;".</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    /// <summary>Validates, writes atomically (temp file + rename) and returns the lower-case hex SHA-256 of the file.</summary>
    public string Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = ToBytes(what => new InvalidOperationException($"Refusing to save checkpoint '{path}': {what}."));
        AtomicFile.WriteAllBytes(path, bytes);
        return Sha256Hex.Of(bytes);
    }

    /// <summary>Reads and validates a checkpoint. A corrupt or truncated file, a missing or unexpected tensor,
    /// a wrong shape, a NaN/Inf value or bad metadata raises <see cref="InvalidDataException"/> naming the file
    /// and the tensor or key.</summary>
    public static PolicyCheckpoint Load(string path) => Verified(SafeTensors.Read(path), path);

    /// <summary>Validates checkpoint bytes received other than from a file (e.g. a message); <paramref name="source"/>
    /// names them in errors.</summary>
    public static PolicyCheckpoint Parse(ReadOnlySpan<byte> bytes, string source) => Verified(SafeTensors.Parse(bytes, source), source);

    /// <summary>Checks names, shapes and values (those errors name the tensor), then the data checksum: a flipped
    /// byte that leaves every value finite would otherwise load as a slightly different policy.</summary>
    private static PolicyCheckpoint Verified(SafeTensorsContent content, string source)
    {
        Func<string, Exception> fail = what => new InvalidDataException($"Checkpoint '{source}' is invalid: {what}.");
        PolicyCheckpoint checkpoint = FromContent(content, fail);
        if (content.Metadata.TryGetValue(CheckpointNames.DataSha256, out string? expected))
        {
            string actual = DataSha256(content.Tensors.Values);
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
                throw fail($"its tensor data does not match the SHA-256 recorded when it was saved ({expected[..Math.Min(12, expected.Length)]}… recorded, "
                    + $"{actual[..12]}… now): the file was damaged or edited after saving. Use another copy or an earlier checkpoint");
        }
        return checkpoint;
    }

    /// <summary>SHA-256 of the tensors' bytes concatenated in the given order (the data buffer, when in file order).</summary>
    private static string DataSha256(IEnumerable<Tensor> tensors)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (Tensor t in tensors) hash.AppendData(t.Data);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static string Sha256Of(string path) => Sha256Hex.OfFile(path);

    /// <summary>The file content <see cref="Save"/> would write.</summary>
    public byte[] ToBytes() => ToBytes(what => new InvalidOperationException($"Invalid checkpoint: {what}."));

    private byte[] ToBytes(Func<string, Exception> fail)
    {
        (List<Tensor> tensors, Dictionary<string, string> metadata) = ToParts(fail);
        // Run the loader's checks on exactly what would be written: what saves, loads.
        var byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (Tensor t in tensors)
            if (!byName.TryAdd(t.Name, t)) throw fail($"tensor '{t.Name}' would be written twice");
        FromContent(new SafeTensorsContent(byName, metadata), fail);
        return SafeTensors.Serialize(tensors, metadata);
    }

    private (List<Tensor>, Dictionary<string, string>) ToParts(Func<string, Exception> fail)
    {
        if (EnvId is null || ObservationSpace is null || ActionSpace is null || Hidden is null || PolicyLayers is null
            || ValueLayers is null || ObsNorm is null || Hyperparameters is null || Extra is null || Activation is null)
            throw fail("EnvId, ObservationSpace, ActionSpace, Hidden, PolicyLayers, ValueLayers, ObsNorm, Activation, Hyperparameters and Extra must all be set");
        if (ObsNorm.Mean is null || ObsNorm.Var is null) throw fail("ObsNorm.Mean and ObsNorm.Var must be set");

        var tensors = new List<Tensor>();
        AddLayers(tensors, PolicyLayers, CheckpointNames.PolicyWeight, CheckpointNames.PolicyBias, "PolicyLayers", fail);
        if (LogStd is not null) tensors.Add(Tensor.F32(CheckpointNames.PolicyLogStd, [LogStd.Length], LogStd));
        AddLayers(tensors, ValueLayers, CheckpointNames.ValueWeight, CheckpointNames.ValueBias, "ValueLayers", fail);
        tensors.Add(Tensor.F64(CheckpointNames.ObsNormMean, [ObsNorm.Mean.Length], ObsNorm.Mean));
        tensors.Add(Tensor.F64(CheckpointNames.ObsNormVar, [ObsNorm.Var.Length], ObsNorm.Var));
        tensors.Add(Tensor.F64(CheckpointNames.ObsNormCount, [1], [ObsNorm.Count]));
        AddOptimizer(tensors, ValueOptimizer, CheckpointNames.ValueOptimM, CheckpointNames.ValueOptimV, CheckpointNames.ValueOptimStep, "ValueOptimizer", fail);
        AddOptimizer(tensors, PolicyOptimizer, CheckpointNames.PolicyOptimM, CheckpointNames.PolicyOptimV, CheckpointNames.PolicyOptimStep, "PolicyOptimizer", fail);
        if (RecordedObservations is not null)
        {
            int obsDim = ObservationSpace.FlatSize;
            if (RecordedObservations.Length % obsDim != 0)
                throw fail($"RecordedObservations has {RecordedObservations.Length} floats, not a multiple of the observation dimension {obsDim}");
            tensors.Add(Tensor.F32(CheckpointNames.RecordedObs, [RecordedObservations.Length / obsDim, obsDim], RecordedObservations));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CheckpointNames.FormatVersion] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            [CheckpointNames.EnvId] = EnvId,
            [CheckpointNames.ObservationSpace] = ObservationSpace.ToJson(),
            [CheckpointNames.ActionSpace] = ActionSpace.ToJson(),
            [CheckpointNames.ControlPeriod] = ControlPeriod.ToString("R", CultureInfo.InvariantCulture),
            [CheckpointNames.Hidden] = string.Join(",", Hidden.Select(h => h.ToString(CultureInfo.InvariantCulture))),
            [CheckpointNames.Activation] = Activation,
            [CheckpointNames.ObsClip] = ObsNorm.Clip.ToString("R", CultureInfo.InvariantCulture),
            [CheckpointNames.ObsEpsilon] = ObsNorm.Epsilon.ToString("R", CultureInfo.InvariantCulture),
            [CheckpointNames.PolicyVersion] = PolicyVersion.ToString(CultureInfo.InvariantCulture),
            [CheckpointNames.TotalSteps] = TotalSteps.ToString(CultureInfo.InvariantCulture),
            [CheckpointNames.ParentSha256] = ParentSha256 ?? "",
            [CheckpointNames.Hyperparameters] = Hyperparameters,
        };
        metadata[CheckpointNames.DataSha256] = DataSha256(tensors); // the tensors in write order: the data buffer
        if (PenaltyBeta is double beta) metadata[CheckpointNames.PenaltyBeta] = beta.ToString("R", CultureInfo.InvariantCulture);
        foreach (var (key, value) in Extra)
        {
            if (string.IsNullOrEmpty(key) || value is null) throw fail($"Extra entry '{key}' needs a non-empty key and a non-null value");
            metadata[CheckpointNames.ExtraPrefix + key] = value;
        }
        return (tensors, metadata);
    }

    private static void AddOptimizer(List<Tensor> tensors, AdamState? state, string m, string v, string step, string property,
        Func<string, Exception> fail)
    {
        if (state is null) return;
        if (state.M is null || state.V is null) throw fail($"{property}.M and {property}.V must be set");
        tensors.Add(Tensor.F32(m, [state.M.Length], state.M));
        tensors.Add(Tensor.F32(v, [state.V.Length], state.V));
        tensors.Add(Tensor.I64(step, [1], [state.Step]));
    }

    private static void AddLayers(List<Tensor> tensors, IReadOnlyList<DenseLayer> layers, Func<int, string> weight, Func<int, string> bias,
        string property, Func<string, Exception> fail)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            DenseLayer layer = layers[i] ?? throw fail($"{property}[{i}] is null");
            tensors.Add(Tensor.F32(weight(i), [layer.Out, layer.In], layer.Weight));
            tensors.Add(Tensor.F32(bias(i), [layer.Out], layer.Bias));
        }
    }

    /// <summary>Builds a checkpoint from parsed file content, checking every name, shape, value and key.</summary>
    private static PolicyCheckpoint FromContent(SafeTensorsContent content, Func<string, Exception> fail)
    {
        var reader = new CheckpointReader(content, fail);

        int formatVersion = reader.FormatVersion();
        string envId = reader.Text(CheckpointNames.EnvId);
        if (envId.Length == 0) throw fail($"metadata '{CheckpointNames.EnvId}' is empty");
        SpaceSpec obsSpace = reader.Space(CheckpointNames.ObservationSpace);
        SpaceSpec actSpace = reader.Space(CheckpointNames.ActionSpace);
        double controlPeriod = reader.PositiveDouble(CheckpointNames.ControlPeriod);
        int[] hidden = reader.Hidden();
        string activation = reader.Text(CheckpointNames.Activation);
        if (activation is not ("tanh" or "relu"))
            throw fail($"metadata '{CheckpointNames.Activation}' is \"{activation}\"; expected \"tanh\" or \"relu\"");
        float clip = reader.PositiveFloat(CheckpointNames.ObsClip);
        float epsilon = reader.PositiveFloat(CheckpointNames.ObsEpsilon);
        long policyVersion = reader.NonNegativeLong(CheckpointNames.PolicyVersion);
        long totalSteps = reader.NonNegativeLong(CheckpointNames.TotalSteps);
        string parent = reader.Text(CheckpointNames.ParentSha256);
        if (parent.Length > 0 && !Sha256Hex.IsValid(parent))
            throw fail($"metadata '{CheckpointNames.ParentSha256}' is \"{parent}\"; expected 64 lower-case hex digits or an empty string");
        string hyperparameters = reader.Json(CheckpointNames.Hyperparameters);
        Dictionary<string, string> extra = reader.ExtraAndRejectUnknownKeys();

        int obsDim = obsSpace.FlatSize;
        int actOut = actSpace.Size;
        string context = $"hidden [{string.Join(",", hidden)}], observation dim {obsDim}, " +
                         (actSpace.Kind == SpaceKind.Box ? $"action dim {actOut}" : $"{actOut} discrete actions");
        DenseLayer[] policy = reader.Layers(CheckpointNames.PolicyWeight, CheckpointNames.PolicyBias, obsDim, hidden, actOut, context);
        float[]? logStd = null;
        if (actSpace.Kind == SpaceKind.Box)
            logStd = reader.Floats(CheckpointNames.PolicyLogStd, [actOut], context);
        DenseLayer[] value = reader.Layers(CheckpointNames.ValueWeight, CheckpointNames.ValueBias, obsDim, hidden, 1, context);

        double[] mean = reader.Doubles(CheckpointNames.ObsNormMean, [obsDim], context);
        double[] var = reader.Doubles(CheckpointNames.ObsNormVar, [obsDim], context);
        for (int j = 0; j < var.Length; j++)
            if (var[j] < 0) throw fail($"tensor '{CheckpointNames.ObsNormVar}' holds a negative variance {var[j]} at element {j}");
        double count = reader.Doubles(CheckpointNames.ObsNormCount, [1], "a scalar")[0];
        if (count < 0) throw fail($"tensor '{CheckpointNames.ObsNormCount}' is {count}; a sample count cannot be negative");

        long valueParameters = value.Sum(l => (long)l.In * l.Out + l.Out);
        AdamState? adam = ReadOptimizer(reader, CheckpointNames.ValueOptimM, CheckpointNames.ValueOptimV, CheckpointNames.ValueOptimStep,
            valueParameters, $"the value network's {valueParameters} parameters", fail);
        long policyParameters = policy.Sum(l => (long)l.In * l.Out + l.Out) + (logStd?.Length ?? 0);
        AdamState? policyAdam = ReadOptimizer(reader, CheckpointNames.PolicyOptimM, CheckpointNames.PolicyOptimV, CheckpointNames.PolicyOptimStep,
            policyParameters, $"the policy's {policyParameters} parameters (network, then log σ)", fail);
        double? penaltyBeta = reader.OptionalPositiveDouble(CheckpointNames.PenaltyBeta);

        float[]? recorded = null;
        if (reader.Has(CheckpointNames.RecordedObs))
        {
            long rows = reader.Shape(CheckpointNames.RecordedObs) is [long n, _] ? n : -1;
            recorded = reader.Floats(CheckpointNames.RecordedObs, [Math.Max(rows, 0), obsDim], $"[n, observation dim {obsDim}]");
        }
        reader.RejectUnexpectedTensors();

        return new PolicyCheckpoint
        {
            FormatVersion = formatVersion,
            EnvId = envId,
            ObservationSpace = obsSpace,
            ActionSpace = actSpace,
            ControlPeriod = controlPeriod,
            Hidden = hidden,
            Activation = activation,
            PolicyLayers = policy,
            ValueLayers = value,
            LogStd = logStd,
            ObsNorm = new ObservationNormState(mean, var, count, clip, epsilon),
            ValueOptimizer = adam,
            PolicyOptimizer = policyAdam,
            PenaltyBeta = penaltyBeta,
            PolicyVersion = policyVersion,
            TotalSteps = totalSteps,
            ParentSha256 = parent.Length == 0 ? null : parent,
            Hyperparameters = hyperparameters,
            RecordedObservations = recorded,
            Extra = extra,
        };
    }

    /// <summary>An optional Adam state (m, v, step): absent when none of its tensors is there, otherwise all three
    /// with the given length, non-negative second moments and step.</summary>
    private static AdamState? ReadOptimizer(CheckpointReader reader, string mName, string vName, string stepName, long parameters,
        string why, Func<string, Exception> fail)
    {
        if (!reader.Has(mName) && !reader.Has(vName) && !reader.Has(stepName)) return null;
        float[] m = reader.Floats(mName, [parameters], why);
        float[] v = reader.Floats(vName, [parameters], why);
        for (int j = 0; j < v.Length; j++)
            if (v[j] < 0) throw fail($"tensor '{vName}' holds a negative second moment {v[j]} at element {j}");
        long step = reader.Int64s(stepName, [1], "a scalar")[0];
        if (step < 0) throw fail($"tensor '{stepName}' is {step}; the Adam step count cannot be negative");
        return new AdamState(step, m, v);
    }
}
