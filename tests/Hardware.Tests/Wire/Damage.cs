namespace TrpoEdge.Hardware.Tests.Wire;

/// <summary>What happens to one frame on the wire. Bit positions and cut lengths are taken modulo
/// the frame's length, so one generator fits every frame.</summary>
public sealed record Damage(DamageKind Kind, int[] Bits, int Cut)
{
    public byte[] Apply(byte[] wire)
    {
        switch (Kind)
        {
            case DamageKind.None:
                return wire;
            case DamageKind.BitFlips:
                byte[] flipped = (byte[])wire.Clone();
                foreach (int b in Bits.Select(b => b % (wire.Length * 8)).Distinct())
                    flipped[b / 8] ^= (byte)(1 << (b % 8));
                return flipped;
            case DamageKind.TruncateEnd:
                return wire[..(wire.Length - 1 - Cut % (wire.Length - 1))];
            default:
                return wire[(1 + Cut % (wire.Length - 1))..];
        }
    }

    public override string ToString() => Kind switch
    {
        DamageKind.None => "intact",
        DamageKind.BitFlips => $"flip bits {string.Join(",", Bits)}",
        _ => $"{Kind} {Cut}",
    };
}
