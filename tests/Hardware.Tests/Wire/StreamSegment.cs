namespace TrpoEdge.Hardware.Tests.Wire;

/// <summary>Garbage, then one frame, possibly damaged.</summary>
public sealed record StreamSegment(byte[] Garbage, SentMessage Message, Damage Damage)
{
    public override string ToString() => $"[{Garbage.Length} garbage bytes] {Message} ({Damage})";
}
