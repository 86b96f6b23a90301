namespace TrpoEdge.Core.Wire;

/// <summary>Message type, the low nibble of a frame's header byte (hardware/PROTOCOL.md).</summary>
public enum MessageType : byte
{
    /// <summary>Host → rig: start a session (protocol version, seed for virtual rigs).</summary>
    Hello = 1,
    /// <summary>Rig → host: answer to HELLO stating the rig's id, dimensions, limits and timing.</summary>
    Handshake = 2,
    /// <summary>Rig → host: one observation per control period.</summary>
    State = 3,
    /// <summary>Host → rig: the command answering a STATE.</summary>
    Action = 4,
    /// <summary>Host → rig: zero the motor and stop streaming until the next HELLO.</summary>
    Stop = 5,
    /// <summary>Rig → host: something went wrong (watchdog, e-stop, limit, bad input).</summary>
    Fault = 6,
}
