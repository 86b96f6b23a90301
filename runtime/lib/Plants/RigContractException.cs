namespace TrpoEdge.Runtime.Plants;

/// <summary>The rig answered, but its HANDSHAKE does not fit the policy (protocol version, dimensions, action limits,
/// control period): nothing is sent but STOP. The runtime exits 3, as for any model that does not fit its plant.</summary>
public sealed class RigContractException : IOException
{
    public RigContractException(string message) : base(message) { }
}
