namespace TrpoEdge.Core.Wire;

/// <summary>Float helpers shared by the message structs.</summary>
internal static class WireFloats
{
    public static bool BitwiseEqual(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])) return false;
        return true;
    }
}
