namespace TrpoEdge.Core.Wire;

/// <summary>A message that <see cref="FrameEncoder"/> can put in a frame. Implemented by small
/// readonly structs; the encoder takes them through a constrained generic, so nothing is boxed.</summary>
public interface IWireMessage
{
    MessageType Type { get; }
    int PayloadLength { get; }
    /// <summary>Writes exactly <see cref="PayloadLength"/> bytes.</summary>
    void WritePayload(Span<byte> destination);
}
