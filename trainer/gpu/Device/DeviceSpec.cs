using System.Globalization;

namespace TrpoEdge.Trainer.Gpu.Device;

/// <summary>What `--device` names: the CPU engine (<c>cpu</c>) or CUDA device N (<c>cuda</c> = <c>cuda:0</c>).</summary>
public readonly record struct DeviceSpec(bool IsCuda, int Ordinal)
{
    public static DeviceSpec Cpu => new(false, 0);

    public static DeviceSpec Parse(string? text)
    {
        string t = (text ?? "cpu").Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "cuda") return new DeviceSpec(true, 0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 0)
            return new DeviceSpec(true, n);
        throw new ArgumentException($"--device '{text}' is not a device; use cpu, cuda or cuda:N (N = 0, 1, … the CUDA device's ordinal).");
    }

    public override string ToString() => IsCuda ? $"cuda:{Ordinal}" : "cpu";
}
