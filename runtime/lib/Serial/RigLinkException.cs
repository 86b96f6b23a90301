namespace TrpoEdge.Runtime.Serial;

/// <summary>The rig answered, but not as the protocol or the policy's contract requires: no
/// HANDSHAKE, a mismatched handshake, or silence mid-episode.</summary>
public sealed class RigLinkException : IOException
{
    public RigLinkException(string message, Exception? inner = null) : base(message, inner) { }
}
