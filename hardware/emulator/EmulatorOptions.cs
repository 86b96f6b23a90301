namespace TrpoEdge.Emulator;

/// <summary>How the virtual rig behaves beyond what its rig file says.</summary>
public sealed record EmulatorOptions
{
    /// <summary>The id the HANDSHAKE states; default "emu-" + the rig's name.</summary>
    public string? RigId { get; init; }

    /// <summary>Motor zeroed after this long without a valid ACTION. Default: four control periods,
    /// at least 100 ms (a host's scheduling hiccup should not trip it; a dead host must).</summary>
    public int? WatchdogMs { get; init; }

    /// <summary>Step the model as soon as an ACTION arrives instead of on a timer: the link runs as
    /// fast as host and pty allow. For tests and benchmarks; a real rig is never lockstep.</summary>
    public bool Lockstep { get; init; }

    public void Validate()
    {
        if (WatchdogMs is int w && w is < 1 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(WatchdogMs), w, "The watchdog must be 1..65535 ms (--watchdog-ms).");
        if (RigId is { } id && (id.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(id) > Core.Wire.WireProtocol.MaxRigIdBytes))
            throw new ArgumentException($"The rig id \"{id}\" must be 1..{Core.Wire.WireProtocol.MaxRigIdBytes} UTF-8 bytes (--id).", nameof(RigId));
    }
}
