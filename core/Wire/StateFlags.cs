namespace TrpoEdge.Core.Wire;

/// <summary>Bits of a STATE's flags byte (hardware/PROTOCOL.md, "STATE").</summary>
[Flags]
public enum StateFlags : byte
{
    None = 0,
    /// <summary>The watchdog expired: no valid ACTION for the watchdog period, the motor is zeroed.</summary>
    Watchdog = 1 << 0,
    /// <summary>The e-stop input is active; the motor is disabled until it is released and a HELLO arrives.</summary>
    EStop = 1 << 1,
    /// <summary>An angle or velocity limit was exceeded; the motor is zeroed until the next HELLO.
    /// The host ends the episode as terminated.</summary>
    Limit = 1 << 2,
    /// <summary>The last applied command was outside the action limits and was clipped by the rig.</summary>
    Clipped = 1 << 3,
    /// <summary>The last applied ACTION answered a STATE older than the previous one.</summary>
    Late = 1 << 4,
    /// <summary>The rig's control loop overran its period at least once since the last STATE.</summary>
    Overrun = 1 << 5,
    /// <summary>Virtual rigs only: the simulated episode hit its own time limit.</summary>
    Truncated = 1 << 6,
}
