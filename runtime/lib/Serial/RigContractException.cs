namespace TrpoEdge.Runtime.Serial;

/// <summary>The rig answered with a valid HANDSHAKE that does not fit the policy: another protocol version,
/// other dimensions, action limits narrower than the policy's bounds, or another control period. Unlike a
/// silent or garbled link this is the model not fitting the plant, which the runtime reports with its own
/// exit code.</summary>
public sealed class RigContractException : RigLinkException
{
    public RigContractException(string message) : base(message) { }
}
