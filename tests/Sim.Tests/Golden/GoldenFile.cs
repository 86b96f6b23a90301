using System.Globalization;
using System.IO.Compression;

namespace TrpoEdge.Sim.Tests.Golden;

/// <summary>Reads the files Golden/gen_golden.py writes: '#' comment lines, then records whose fields are
/// separated by '|' and whose numbers are IEEE-754 bit patterns in hex.</summary>
internal static class GoldenFile
{
    /// <summary>The NumPy the golden files encode (their header says so too; the tests check it).</summary>
    public const string NumPyVersion = "1.24.2";

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    public static List<string[]> Records(string name)
    {
        string path = PathOf(name);
        using Stream raw = File.OpenRead(path);
        using Stream data = name.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        using var reader = new StreamReader(data);
        var records = new List<string[]>();
        bool versionSeen = false;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.StartsWith('#'))
            {
                versionSeen |= line.Contains($"NumPy {NumPyVersion} ", StringComparison.Ordinal);
                continue;
            }
            if (line.Length == 0) continue;
            records.Add(line.Split('|', StringSplitOptions.TrimEntries));
        }
        Assert.True(versionSeen, $"{name} does not say it was generated with NumPy {NumPyVersion}; regenerate it with gen_golden.py or update GoldenFile.NumPyVersion.");
        return records;
    }

    public static string[] Words(string field) => field.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static double D(string hex) => BitConverter.Int64BitsToDouble((long)ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

    public static float F(string hex) => BitConverter.Int32BitsToSingle((int)uint.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

    public static ulong U64(string hex) => ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static uint U32(string hex) => uint.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static double[] Doubles(string field) => Words(field).Select(D).ToArray();

    public static float[] Floats(string field) => Words(field).Select(F).ToArray();

    /// <summary>Bit-exact comparison with a readable message (NaN and signed zeros compare by bits).</summary>
    public static void Same(double expected, double actual, string what)
    {
        if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(actual))
            Assert.Fail($"{what}: expected {expected:R}, got {actual:R} ({(actual - expected) / Ulp(expected):+0.##;-0.##} ulp)");
    }

    public static void Same(float expected, float actual, string what)
    {
        if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual))
            Assert.Fail($"{what}: expected {expected:R}, got {actual:R}");
    }

    private static double Ulp(double x) => Math.BitIncrement(Math.Abs(x)) - Math.Abs(x);

    public static ulong Seed(string text) => ulong.Parse(text, CultureInfo.InvariantCulture);
}
