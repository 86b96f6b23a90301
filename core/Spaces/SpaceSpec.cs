using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TrpoEdge.Core.Spaces;

/// <summary>A space as it crosses a process boundary (checkpoint metadata, model metadata, the
/// trajectory store, the wire handshake). <c>core/</c> cannot see <c>sim/</c>, so programs convert
/// their sim spaces to this. JSON form: {"kind":"box","shape":[3],"low":[..],"high":[..]} or
/// {"kind":"discrete","n":2}.</summary>
public sealed record SpaceSpec
{
    private SpaceSpec(SpaceKind kind, int size, float[] low, float[] high)
    {
        Kind = kind;
        Size = size;
        Low = low;
        High = high;
    }

    public SpaceKind Kind { get; }
    /// <summary>Box: number of dimensions. Discrete: number of actions.</summary>
    public int Size { get; }
    /// <summary>Box bounds (empty for discrete).</summary>
    public float[] Low { get; }
    public float[] High { get; }
    /// <summary>Floats one sample occupies: Box dimension, or 1 for a discrete index.</summary>
    public int FlatSize => Kind == SpaceKind.Box ? Size : 1;

    public static SpaceSpec Box(float[] low, float[] high)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (low.Length == 0 || low.Length != high.Length)
            throw new ArgumentException($"A box needs equal, non-empty bounds; got low[{low.Length}], high[{high.Length}].");
        for (int i = 0; i < low.Length; i++)
            if (float.IsNaN(low[i]) || float.IsNaN(high[i]) || low[i] > high[i])
                throw new ArgumentException($"Box bound {i} is invalid: low {low[i]}, high {high[i]}.");
        return new SpaceSpec(SpaceKind.Box, low.Length, (float[])low.Clone(), (float[])high.Clone());
    }

    public static SpaceSpec Discrete(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "A discrete space needs at least one action.");
        return new SpaceSpec(SpaceKind.Discrete, n, [], []);
    }

    public string ToJson()
    {
        var o = new JsonObject();
        if (Kind == SpaceKind.Discrete)
        {
            o["kind"] = "discrete";
            o["n"] = Size;
        }
        else
        {
            o["kind"] = "box";
            o["shape"] = new JsonArray(Size);
            o["low"] = ToJsonArray(Low);
            o["high"] = ToJsonArray(High);
        }
        return o.ToJsonString();
    }

    public static SpaceSpec Parse(string json)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException e) { throw new FormatException($"Space description is not valid JSON ({e.Message}): {json}"); }
        if (node is not JsonObject o) throw new FormatException($"Space description must be a JSON object: {json}");
        // GetValue<T> throws InvalidOperationException for a value of the wrong JSON type ("n": "two");
        // callers expect one exception type for a malformed description.
        try { return ParseObject(o, json); }
        catch (InvalidOperationException e) { throw new FormatException($"Space description has a value of the wrong type ({e.Message}): {json}"); }
    }

    private static SpaceSpec ParseObject(JsonObject o, string json)
    {
        string kind = o["kind"]?.GetValue<string>() ?? throw new FormatException($"Space description lacks \"kind\": {json}");
        switch (kind)
        {
            case "discrete":
                return Discrete(o["n"]?.GetValue<int>() ?? throw new FormatException($"Discrete space lacks \"n\": {json}"));
            case "box":
                SpaceSpec box = Box(ReadFloats(o, "low", json), ReadFloats(o, "high", json));
                // "shape" is redundant with the bounds (kept for human readers); if present it must agree.
                if (o["shape"] is JsonNode shape && (shape is not JsonArray { Count: 1 } s || s[0]?.GetValue<int>() != box.Size))
                    throw new FormatException($"Box \"shape\" {shape.ToJsonString()} disagrees with its {box.Size} bounds; a box is one-dimensional here: [{box.Size}]. {json}");
                return box;
            default:
                throw new FormatException($"Unknown space kind \"{kind}\" (expected \"box\" or \"discrete\"): {json}");
        }
    }

    public bool Equals(SpaceSpec? other) =>
        other is not null && Kind == other.Kind && Size == other.Size
        && Low.AsSpan().SequenceEqual(other.Low) && High.AsSpan().SequenceEqual(other.High);

    public override int GetHashCode() => HashCode.Combine(Kind, Size);

    public override string ToString() => Kind == SpaceKind.Discrete
        ? $"Discrete({Size})"
        : $"Box({Size}) low=[{string.Join(", ", Low.Select(F))}] high=[{string.Join(", ", High.Select(F))}]";

    private static string F(float v) => v.ToString("G6", CultureInfo.InvariantCulture);

    private static JsonArray ToJsonArray(float[] values)
    {
        var a = new JsonArray();
        // Infinite bounds are legal in Gymnasium; JSON has no infinity, so they travel as strings.
        foreach (float v in values)
        {
            // Add(JsonNode) rather than the generic Add<T>: the generic one is not trimming/NativeAOT-safe. Same JSON.
            JsonNode? node = float.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v > 0 ? "inf" : "-inf");
            a.Add(node);
        }
        return a;
    }

    private static float[] ReadFloats(JsonObject o, string key, string json)
    {
        if (o[key] is not JsonArray a) throw new FormatException($"Box space lacks \"{key}\": {json}");
        var result = new float[a.Count];
        for (int i = 0; i < a.Count; i++)
        {
            JsonNode? n = a[i];
            if (n is JsonValue v && v.TryGetValue(out string? s))
                result[i] = s switch
                {
                    "inf" => float.PositiveInfinity,
                    "-inf" => float.NegativeInfinity,
                    _ => throw new FormatException($"Box \"{key}\"[{i}] is \"{s}\"; expected a number, \"inf\" or \"-inf\"."),
                };
            else
                result[i] = n?.GetValue<float>() ?? throw new FormatException($"Box \"{key}\"[{i}] is null.");
        }
        return result;
    }
}
