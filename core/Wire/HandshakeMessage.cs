using System.Buffers.Binary;
using System.Text;

namespace TrpoEdge.Core.Wire;

/// <summary>HANDSHAKE, rig → host, the answer to HELLO: everything the host must check against
/// its policy before commanding the motor. Payload: protocol version u8, obs dim u8 (1..16),
/// act dim u8 (1..8), control period µs u32, watchdog ms u16, angle limit f32 (rad, +inf: none),
/// velocity limit f32 (rad/s, +inf: none), act dim × (low f32, high f32), id length u8 (1..32),
/// rig id (UTF-8). Sent once per session, so arrays and a string are fine here.</summary>
public readonly struct HandshakeMessage : IWireMessage, IEquatable<HandshakeMessage>
{
    private const int FixedLength = 17;
    private readonly string? _rigId;
    private readonly float[]? _low;
    private readonly float[]? _high;

    public HandshakeMessage(string rigId, int observationDim, float[] actionLow, float[] actionHigh,
        uint controlPeriodUs, ushort watchdogMs, float angleLimit = float.PositiveInfinity,
        float velocityLimit = float.PositiveInfinity, byte protocolVersion = WireProtocol.Version)
    {
        ArgumentNullException.ThrowIfNull(rigId);
        ArgumentNullException.ThrowIfNull(actionLow);
        ArgumentNullException.ThrowIfNull(actionHigh);
        int idBytes = Encoding.UTF8.GetByteCount(rigId);
        if (idBytes is < 1 or > WireProtocol.MaxRigIdBytes)
            throw new ArgumentException($"A rig id holds 1..{WireProtocol.MaxRigIdBytes} UTF-8 bytes; \"{rigId}\" has {idBytes}.", nameof(rigId));
        if (observationDim is < 1 or > WireProtocol.MaxObservationDim)
            throw new ArgumentOutOfRangeException(nameof(observationDim), observationDim, $"The observation dimension must be 1..{WireProtocol.MaxObservationDim}.");
        if (actionLow.Length is < 1 or > WireProtocol.MaxActionDim || actionLow.Length != actionHigh.Length)
            throw new ArgumentException($"Action limits need 1..{WireProtocol.MaxActionDim} equal-length bounds; got low[{actionLow.Length}], high[{actionHigh.Length}].");
        for (int i = 0; i < actionLow.Length; i++)
            if (!(actionLow[i] <= actionHigh[i]) || !float.IsFinite(actionLow[i]) || !float.IsFinite(actionHigh[i]))
                throw new ArgumentException($"Action limit {i} is invalid: low {actionLow[i]}, high {actionHigh[i]}; both must be finite with low <= high.");
        if (controlPeriodUs == 0)
            throw new ArgumentOutOfRangeException(nameof(controlPeriodUs), controlPeriodUs, "The control period must be positive.");
        if (watchdogMs == 0)
            throw new ArgumentOutOfRangeException(nameof(watchdogMs), watchdogMs, "The watchdog period must be positive; a rig without a watchdog is not allowed.");
        if (float.IsNaN(angleLimit) || angleLimit <= 0 || float.IsNaN(velocityLimit) || velocityLimit <= 0)
            throw new ArgumentException($"Angle and velocity limits must be positive (+inf for none); got {angleLimit} and {velocityLimit}.");
        _rigId = rigId;
        ObservationDim = observationDim;
        _low = (float[])actionLow.Clone();
        _high = (float[])actionHigh.Clone();
        ControlPeriodUs = controlPeriodUs;
        WatchdogMs = watchdogMs;
        AngleLimit = angleLimit;
        VelocityLimit = velocityLimit;
        ProtocolVersion = protocolVersion;
    }

    public byte ProtocolVersion { get; }
    public string RigId => _rigId ?? "";
    public int ObservationDim { get; }
    public int ActionDim => ActionLow.Length;
    public float[] ActionLow => _low ?? [];
    public float[] ActionHigh => _high ?? [];
    public uint ControlPeriodUs { get; }
    public ushort WatchdogMs { get; }
    public float AngleLimit { get; }
    public float VelocityLimit { get; }
    /// <summary>The control period in seconds.</summary>
    public double ControlPeriod => ControlPeriodUs * 1e-6;

    public MessageType Type => MessageType.Handshake;
    public int PayloadLength => FixedLength + 8 * ActionDim + 1 + Encoding.UTF8.GetByteCount(RigId);

    public void WritePayload(Span<byte> destination)
    {
        destination[0] = ProtocolVersion;
        destination[1] = (byte)ObservationDim;
        destination[2] = (byte)ActionDim;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[3..], ControlPeriodUs);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[7..], WatchdogMs);
        BinaryPrimitives.WriteSingleLittleEndian(destination[9..], AngleLimit);
        BinaryPrimitives.WriteSingleLittleEndian(destination[13..], VelocityLimit);
        int o = 17;
        for (int i = 0; i < ActionDim; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination[o..], ActionLow[i]);
            BinaryPrimitives.WriteSingleLittleEndian(destination[(o + 4)..], ActionHigh[i]);
            o += 8;
        }
        int n = Encoding.UTF8.GetBytes(RigId, destination[(o + 1)..]);
        destination[o] = (byte)n;
    }

    internal static bool IsWellFormed(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < FixedLength + 8 + 2) return false;
        int act = payload[2];
        if (payload[1] is < 1 or > WireProtocol.MaxObservationDim || act is < 1 or > WireProtocol.MaxActionDim) return false;
        int idAt = 17 + 8 * act;
        if (payload.Length <= idAt) return false;
        int idLen = payload[idAt];
        return idLen is >= 1 and <= WireProtocol.MaxRigIdBytes && payload.Length == idAt + 1 + idLen;
    }

    /// <summary>Reads a well-formed payload; values a sane rig cannot send (low &gt; high, a zero
    /// watchdog) throw <see cref="InvalidDataException"/> naming the field.</summary>
    internal static HandshakeMessage Read(ReadOnlySpan<byte> payload)
    {
        int act = payload[2];
        var low = new float[act];
        var high = new float[act];
        for (int i = 0; i < act; i++)
        {
            low[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(17 + 8 * i)..]);
            high[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(21 + 8 * i)..]);
        }
        int idAt = 17 + 8 * act;
        string id = Encoding.UTF8.GetString(payload.Slice(idAt + 1, payload[idAt]));
        try
        {
            return new HandshakeMessage(id, payload[1], low, high,
                BinaryPrimitives.ReadUInt32LittleEndian(payload[3..]),
                BinaryPrimitives.ReadUInt16LittleEndian(payload[7..]),
                BinaryPrimitives.ReadSingleLittleEndian(payload[9..]),
                BinaryPrimitives.ReadSingleLittleEndian(payload[13..]),
                payload[0]);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The rig sent an invalid HANDSHAKE: {e.Message} Check the rig's configuration (firmware rig_config.h or the emulator's rig file).", e);
        }
    }

    public bool Equals(HandshakeMessage other) =>
        ProtocolVersion == other.ProtocolVersion && RigId == other.RigId && ObservationDim == other.ObservationDim
        && ActionLow.AsSpan().SequenceEqual(other.ActionLow) && ActionHigh.AsSpan().SequenceEqual(other.ActionHigh)
        && ControlPeriodUs == other.ControlPeriodUs && WatchdogMs == other.WatchdogMs
        && AngleLimit.Equals(other.AngleLimit) && VelocityLimit.Equals(other.VelocityLimit);

    public override bool Equals(object? obj) => obj is HandshakeMessage m && Equals(m);
    public override int GetHashCode() => HashCode.Combine(RigId, ObservationDim, ActionDim, ControlPeriodUs, WatchdogMs);

    public override string ToString() =>
        $"HANDSHAKE(v{ProtocolVersion} \"{RigId}\", obs {ObservationDim}, act {ActionDim} [{string.Join(", ", ActionLow.Zip(ActionHigh, (l, h) => $"{l}..{h}"))}], " +
        $"period {ControlPeriodUs} us, watchdog {WatchdogMs} ms, |angle| <= {AngleLimit}, |velocity| <= {VelocityLimit})";
}
