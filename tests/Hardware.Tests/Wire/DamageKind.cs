namespace TrpoEdge.Hardware.Tests.Wire;

public enum DamageKind
{
    None,
    BitFlips,
    TruncateEnd,
    TruncateStart,
}
