using System.Globalization;
using System.Text.RegularExpressions;

namespace TrpoEdge.Hardware.Tests.Wire;

/// <summary>The byte-exact examples as written in hardware/PROTOCOL.md ("example-NAME = HEX ..."),
/// the same lines the firmware's host test reads.</summary>
internal static partial class ProtocolExamples
{
    private static readonly Lazy<IReadOnlyDictionary<string, byte[]>> All = new(Load);

    public static IReadOnlyDictionary<string, byte[]> Wire => All.Value;

    public static byte[] Get(string name) =>
        All.Value.TryGetValue(name, out byte[]? b) ? b : throw new KeyNotFoundException($"PROTOCOL.md has no line 'example-{name} = ...'.");

    private static IReadOnlyDictionary<string, byte[]> Load()
    {
        var map = new Dictionary<string, byte[]>();
        foreach (string line in File.ReadLines(RepoPaths.Protocol))
        {
            Match m = ExampleLine().Match(line);
            if (!m.Success) continue;
            byte[] bytes = m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
            map.Add(m.Groups[1].Value, bytes);
        }
        return map;
    }

    [GeneratedRegex(@"^example-([a-z-]+) = ((?:[0-9A-F]{2} ?)+)$")]
    private static partial Regex ExampleLine();
}
