namespace TrpoEdge.Core.Wire;

/// <summary>Codes of a FAULT message (hardware/PROTOCOL.md, "FAULT").</summary>
public enum FaultCode : byte
{
    /// <summary>No valid ACTION within the watchdog period; the motor was zeroed.</summary>
    Watchdog = 1,
    /// <summary>The e-stop input went active; the motor was disabled.</summary>
    EStop = 2,
    /// <summary>An angle or velocity limit was exceeded; the motor was zeroed.</summary>
    Limit = 3,
    /// <summary>HELLO asked for a protocol version the rig does not speak.</summary>
    Version = 4,
    /// <summary>An ACTION had the wrong number of commands or a non-finite value; it was ignored.</summary>
    BadAction = 5,
    /// <summary>The control loop overran its period.</summary>
    Overrun = 6,
    /// <summary>An ACTION arrived before any HELLO; it was ignored.</summary>
    NotReady = 7,
}
