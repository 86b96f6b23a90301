using System.Text;

namespace TrpoEdge.Core.Wire;

/// <summary>FAULT, rig → host. Payload: code u8, detail length u8 (0..64), detail (UTF-8, ASCII
/// on the firmware). Rare, so the detail is a string.</summary>
public readonly struct FaultMessage : IWireMessage, IEquatable<FaultMessage>
{
    private readonly string? _detail;

    public FaultMessage(FaultCode code, string detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        int bytes = Encoding.UTF8.GetByteCount(detail);
        if (bytes > WireProtocol.MaxFaultDetailBytes)
            throw new ArgumentException($"A fault detail holds at most {WireProtocol.MaxFaultDetailBytes} UTF-8 bytes; \"{detail}\" has {bytes}. Shorten it.", nameof(detail));
        Code = code;
        _detail = detail;
    }

    public FaultCode Code { get; }
    public string Detail => _detail ?? "";

    public MessageType Type => MessageType.Fault;
    public int PayloadLength => 2 + Encoding.UTF8.GetByteCount(Detail);

    public void WritePayload(Span<byte> destination)
    {
        destination[0] = (byte)Code;
        int n = Encoding.UTF8.GetBytes(Detail, destination[2..]);
        destination[1] = (byte)n;
    }

    internal static bool IsWellFormed(ReadOnlySpan<byte> payload) =>
        payload.Length >= 2 && payload[1] <= WireProtocol.MaxFaultDetailBytes && payload.Length == 2 + payload[1];

    internal static FaultMessage Read(ReadOnlySpan<byte> payload) =>
        new((FaultCode)payload[0], Encoding.UTF8.GetString(payload.Slice(2, payload[1])));

    public bool Equals(FaultMessage other) => Code == other.Code && Detail == other.Detail;
    public override bool Equals(object? obj) => obj is FaultMessage m && Equals(m);
    public override int GetHashCode() => HashCode.Combine(Code, Detail);
    public override string ToString() => $"FAULT({Code}: {Detail})";
}
