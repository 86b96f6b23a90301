using System.Globalization;
using System.Text.Json;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Core.Checkpoints;

/// <summary>Typed, checked access to a checkpoint's tensors and metadata. Every failure goes through the
/// caller's <c>fail</c> factory with a message naming the tensor or key, and the reader remembers which
/// tensors were taken so leftovers can be reported as unexpected.</summary>
internal sealed class CheckpointReader(SafeTensorsContent content, Func<string, Exception> fail)
{
    private static readonly HashSet<string> KnownKeys = new(StringComparer.Ordinal)
    {
        CheckpointNames.FormatVersion, CheckpointNames.EnvId, CheckpointNames.ObservationSpace, CheckpointNames.ActionSpace,
        CheckpointNames.ControlPeriod, CheckpointNames.Hidden, CheckpointNames.Activation, CheckpointNames.ObsClip,
        CheckpointNames.ObsEpsilon, CheckpointNames.PolicyVersion, CheckpointNames.TotalSteps, CheckpointNames.ParentSha256,
        CheckpointNames.Hyperparameters, CheckpointNames.PenaltyBeta, CheckpointNames.DataSha256,
    };

    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    public int FormatVersion()
    {
        string text = Text(CheckpointNames.FormatVersion);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            throw fail($"metadata '{CheckpointNames.FormatVersion}' is \"{text}\", not a positive integer");
        if (version > PolicyCheckpoint.CurrentFormatVersion)
            throw fail($"format_version {version}: it was written by a newer TrpoEdge (this build reads format_version {PolicyCheckpoint.CurrentFormatVersion}); upgrade TrpoEdge to load it");
        if (version < PolicyCheckpoint.CurrentFormatVersion)
            throw fail($"format_version {version} is not a version TrpoEdge ever wrote (this build reads {PolicyCheckpoint.CurrentFormatVersion})");
        return version;
    }

    public string Text(string key) =>
        content.Metadata.TryGetValue(key, out string? value) ? value : throw fail($"metadata key '{key}' is missing");

    public SpaceSpec Space(string key)
    {
        string json = Text(key);
        try { return SpaceSpec.Parse(json); }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw fail($"metadata '{key}' is not a valid space description ({e.Message})");
        }
    }

    public double PositiveDouble(string key)
    {
        string text = Text(key);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value <= 0)
            throw fail($"metadata '{key}' is \"{text}\"; expected a finite positive number");
        return value;
    }

    /// <summary>Parsed as float directly: double parsing then narrowing can round twice and break bit-exact round trips.</summary>
    public float PositiveFloat(string key)
    {
        string text = Text(key);
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value) || value <= 0)
            throw fail($"metadata '{key}' is \"{text}\"; expected a finite positive number");
        return value;
    }

    /// <summary>An optional metadata number: null when the key is absent, an error when present but not finite and positive.</summary>
    public double? OptionalPositiveDouble(string key) => content.Metadata.ContainsKey(key) ? PositiveDouble(key) : null;

    public long NonNegativeLong(string key)
    {
        string text = Text(key);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            throw fail($"metadata '{key}' is \"{text}\"; expected a non-negative integer");
        return value;
    }

    public int[] Hidden()
    {
        string text = Text(CheckpointNames.Hidden);
        if (text.Length == 0) return [];
        string[] parts = text.Split(',');
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out widths[i]) || widths[i] < 1)
                throw fail($"metadata '{CheckpointNames.Hidden}' is \"{text}\"; expected comma-separated positive widths such as \"64,64\"");
        return widths;
    }

    public string Json(string key)
    {
        string text = Text(key);
        try { using var _ = JsonDocument.Parse(text); }
        catch (JsonException e) { throw fail($"metadata '{key}' is not valid JSON ({e.Message})"); }
        return text;
    }

    public Dictionary<string, string> ExtraAndRejectUnknownKeys()
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in content.Metadata)
        {
            if (key.StartsWith(CheckpointNames.ExtraPrefix, StringComparison.Ordinal) && key.Length > CheckpointNames.ExtraPrefix.Length)
                extra[key[CheckpointNames.ExtraPrefix.Length..]] = value;
            else if (!KnownKeys.Contains(key))
                throw fail($"metadata key '{key}' is unknown; free-form entries must start with \"{CheckpointNames.ExtraPrefix}\"");
        }
        return extra;
    }

    public bool Has(string name) => content.Tensors.ContainsKey(name);

    public long[]? Shape(string name) => content.Tensors.TryGetValue(name, out Tensor? t) ? t.Shape : null;

    /// <summary>Layers obs → hidden… → <paramref name="outputs"/>, each weight [out, in] and bias [out].</summary>
    public DenseLayer[] Layers(Func<int, string> weightName, Func<int, string> biasName, int inputs, int[] hidden, int outputs, string context)
    {
        var layers = new DenseLayer[hidden.Length + 1];
        for (int i = 0; i < layers.Length; i++)
        {
            int @in = i == 0 ? inputs : hidden[i - 1];
            int @out = i == hidden.Length ? outputs : hidden[i];
            float[] w = Floats(weightName(i), [@out, @in], context);
            float[] b = Floats(biasName(i), [@out], context);
            layers[i] = new DenseLayer(@in, @out, w, b);
        }
        return layers;
    }

    public float[] Floats(string name, long[] shape, string context)
    {
        float[] values = Take(name, DType.F32, shape, context).ToFloats();
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) throw NonFinite(name, values[i], i);
        return values;
    }

    public double[] Doubles(string name, long[] shape, string context)
    {
        double[] values = Take(name, DType.F64, shape, context).ToDoubles();
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) throw NonFinite(name, values[i], i);
        return values;
    }

    public long[] Int64s(string name, long[] shape, string context) => Take(name, DType.I64, shape, context).ToInt64s();

    public void RejectUnexpectedTensors()
    {
        foreach (string name in content.Tensors.Keys)
            if (!_taken.Contains(name))
                throw fail($"tensor '{name}' is unexpected: it is not part of a format_version {PolicyCheckpoint.CurrentFormatVersion} checkpoint with these metadata (hidden \"{content.Metadata.GetValueOrDefault(CheckpointNames.Hidden)}\", action space {content.Metadata.GetValueOrDefault(CheckpointNames.ActionSpace)})");
    }

    private Tensor Take(string name, DType dtype, long[] shape, string context)
    {
        if (!content.Tensors.TryGetValue(name, out Tensor? t))
            throw fail($"tensor '{name}' is missing; expected {DTypes.Name(dtype)} {Tensor.FormatShape(shape)} for {context}");
        if (t.DType != dtype)
            throw fail($"tensor '{name}' is {DTypes.Name(t.DType)}; expected {DTypes.Name(dtype)}");
        if (!t.Shape.AsSpan().SequenceEqual(shape))
            throw fail($"tensor '{name}' has shape {Tensor.FormatShape(t.Shape)}; expected {Tensor.FormatShape(shape)} for {context}");
        _taken.Add(name);
        return t;
    }

    private Exception NonFinite(string name, double value, int index) =>
        fail($"tensor '{name}' holds {value.ToString(CultureInfo.InvariantCulture)} at element {index}; a checkpoint must hold finite numbers (did training diverge? resume from its parent checkpoint)");
}
