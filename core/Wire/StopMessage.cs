namespace TrpoEdge.Core.Wire;

/// <summary>STOP, host → rig: zero the motor and stop streaming until the next HELLO.
/// Payload: reason u8.</summary>
public readonly struct StopMessage : IWireMessage, IEquatable<StopMessage>
{
    public const int Length = 1;

    public StopMessage(StopReason reason) => Reason = reason;

    public StopReason Reason { get; }

    public MessageType Type => MessageType.Stop;
    public int PayloadLength => Length;

    public void WritePayload(Span<byte> destination) => destination[0] = (byte)Reason;

    internal static bool IsWellFormed(ReadOnlySpan<byte> payload) => payload.Length == Length;

    internal static StopMessage Read(ReadOnlySpan<byte> payload) => new((StopReason)payload[0]);

    public bool Equals(StopMessage other) => Reason == other.Reason;
    public override bool Equals(object? obj) => obj is StopMessage m && Equals(m);
    public override int GetHashCode() => (int)Reason;
    public override string ToString() => $"STOP({Reason})";
}
