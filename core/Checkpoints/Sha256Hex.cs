using System.Security.Cryptography;

namespace TrpoEdge.Core.Checkpoints;

/// <summary>Lower-case hex SHA-256, the form in which checkpoints name their parents and models name
/// the checkpoint they came from.</summary>
public static class Sha256Hex
{
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>True for exactly 64 lower-case hex digits.</summary>
    public static bool IsValid(string? hex)
    {
        if (hex is null || hex.Length != 64) return false;
        foreach (char c in hex)
            if (!(c is >= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        return true;
    }
}
