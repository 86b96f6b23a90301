using System.Globalization;

namespace TrpoEdge.Runtime.Inference;

/// <summary>A device as the command lines spell it: <c>cpu</c>, <c>cuda</c> (device 0) or <c>cuda:N</c>.</summary>
public readonly record struct InferenceDevice(DeviceKind Kind, int Index)
{
    public static InferenceDevice Cpu => new(DeviceKind.Cpu, 0);

    public static InferenceDevice Cuda(int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new(DeviceKind.Cuda, index);
    }

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (case-insensitive); anything else is a
    /// <see cref="FormatException"/> that lists the accepted spellings.</summary>
    public static InferenceDevice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "cuda") return Cuda(0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            return Cuda(index);
        throw new FormatException($"Unknown device \"{text}\"; use cpu, cuda or cuda:N (N = the CUDA device index, e.g. cuda:1).");
    }

    public override string ToString() => Kind == DeviceKind.Cpu ? "cpu" : $"cuda:{Index.ToString(CultureInfo.InvariantCulture)}";
}
