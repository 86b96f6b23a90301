using System.Buffers.Binary;

namespace TrpoEdge.Core.Wire;

/// <summary>HELLO, host → rig: starts (or restarts) a session. Payload: protocol version u8,
/// seed u32. A virtual rig resets its model with the seed; a real rig ignores it.</summary>
public readonly struct HelloMessage : IWireMessage, IEquatable<HelloMessage>
{
    public const int Length = 5;

    public HelloMessage(uint seed, byte protocolVersion = WireProtocol.Version)
    {
        ProtocolVersion = protocolVersion;
        Seed = seed;
    }

    public byte ProtocolVersion { get; }
    public uint Seed { get; }

    public MessageType Type => MessageType.Hello;
    public int PayloadLength => Length;

    public void WritePayload(Span<byte> destination)
    {
        destination[0] = ProtocolVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[1..], Seed);
    }

    internal static bool IsWellFormed(ReadOnlySpan<byte> payload) => payload.Length == Length;

    internal static HelloMessage Read(ReadOnlySpan<byte> payload) =>
        new(BinaryPrimitives.ReadUInt32LittleEndian(payload[1..]), payload[0]);

    public bool Equals(HelloMessage other) => ProtocolVersion == other.ProtocolVersion && Seed == other.Seed;
    public override bool Equals(object? obj) => obj is HelloMessage m && Equals(m);
    public override int GetHashCode() => HashCode.Combine(ProtocolVersion, Seed);
    public override string ToString() => $"HELLO(version {ProtocolVersion}, seed {Seed})";
}
