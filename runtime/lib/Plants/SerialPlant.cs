using System.Diagnostics;
using System.Globalization;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Wire;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Serial;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Plants;

/// <summary>A rig on a serial link speaking hardware/PROTOCOL.md: a real rig's firmware or the virtual
/// rig. Construction performs a HELLO/HANDSHAKE, checks the rig against the expected contract, then
/// STOPs it; each <see cref="Reset"/> sends HELLO (restarting the rig's session) and takes the first
/// STATE; each <see cref="Step"/> sends one ACTION — clipped here to the rig's limits, and again on the
/// rig — and returns the next STATE. The rig's clock paces the loop: Step blocks until the rig's next
/// STATE, so <see cref="IsSimulated"/> is true in the sense IPlant defines it ("the loop may run as fast
/// as it can"); a host-side sleep would only add latency. When several STATEs are queued the newest is
/// used and the others counted as skipped. Steady-state steps allocate nothing.</summary>
public sealed class SerialPlant : IPlant
{
    private readonly ISerialPort _port;
    private readonly SerialPlantOptions _options;
    private readonly FrameEncoder _encoder = new();
    private readonly FrameDecoder _decoder = new();
    private readonly SequenceTracker _states = new();
    private readonly byte[] _readBuffer = new byte[1024];
    private readonly float[] _stateBuffer = new float[WireProtocol.MaxObservationDim];
    private readonly float[] _command;
    private readonly LatencyHistogram _roundTrip = new();
    private readonly long _stateTimeoutTicks;
    private int _readStart, _readEnd;
    private ushort _lastStateSeq, _pendingActionSeq;
    private long _pendingActionTicks;
    private bool _pendingAction, _running, _disposed;
    private int _steps;
    private uint _episodeCounter;
    private long _received, _skipped, _faults, _watchdogStates;

    public SerialPlant(ISerialPort port, SerialPlantOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(port);
        _options = options ?? new SerialPlantOptions();
        _options.Validate();
        _port = port;
        _port.Write([WireProtocol.Delimiter]); // ends whatever half frame the rig may be holding
        Handshake = Hello(0);
        Send(new StopMessage(StopReason.EpisodeEnd));
        CheckContract(Handshake);

        _command = new float[Handshake.ActionDim];
        EnvId = _options.EnvId ?? "Rig:" + Handshake.RigId;
        ObservationSpace = _options.ExpectedObservationSpace
            ?? SpaceSpec.Box(Enumerable.Repeat(float.NegativeInfinity, Handshake.ObservationDim).ToArray(),
                             Enumerable.Repeat(float.PositiveInfinity, Handshake.ObservationDim).ToArray());
        ActionSpace = _options.ExpectedActionSpace ?? SpaceSpec.Box(Handshake.ActionLow, Handshake.ActionHigh);
        ControlPeriod = Handshake.ControlPeriod;
        bool angle = float.IsFinite(Handshake.AngleLimit), velocity = float.IsFinite(Handshake.VelocityLimit);
        Limits = angle || velocity ? new RigLimits(angle ? Handshake.AngleLimit : null, velocity ? Handshake.VelocityLimit : null, false) : null;
        Description = $"serial {port.PortName} @ {port.BaudRate.ToString(CultureInfo.InvariantCulture)} baud, rig '{Handshake.RigId}'";
        // Silence for three periods or the rig's watchdog period, whichever is longer, means the link is down.
        double timeout = Math.Max(3 * ControlPeriod, Handshake.WatchdogMs / 1000.0) + 0.25;
        _stateTimeoutTicks = (long)(timeout * Stopwatch.Frequency);
    }

    /// <summary>Opens <paramref name="portName"/> at <paramref name="baudRate"/> and connects.</summary>
    public static SerialPlant Open(string portName, int baudRate, SerialPlantOptions? options = null)
    {
        ISerialPort port = SerialPort.Open(portName, baudRate);
        try
        {
            return new SerialPlant(port, options);
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    /// <summary>The rig's answer to the first HELLO.</summary>
    public HandshakeMessage Handshake { get; }
    public string EnvId { get; }
    public SpaceSpec ObservationSpace { get; }
    public SpaceSpec ActionSpace { get; }
    public double ControlPeriod { get; }
    public RigLimits? Limits { get; }
    public bool IsSimulated => true;
    public string Description { get; }
    /// <summary>The last FAULT the rig sent, if any.</summary>
    public FaultMessage? LastFault { get; private set; }

    public SerialLinkStats LinkStats => new(_received, _states.Lost, _states.Stale, _skipped, _faults, _watchdogStates,
        _roundTrip.Count, _roundTrip.Count == 0 ? double.NaN : _roundTrip.Percentile(0.5),
        _roundTrip.Count == 0 ? double.NaN : _roundTrip.Percentile(0.99), _decoder.Stats);

    public void Reset(ulong? seed, Span<float> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        uint s = seed is ulong v ? (uint)(v ^ (v >> 32)) : ++_episodeCounter;
        HandshakeMessage h = Hello(s);
        if (!h.Equals(Handshake))
            throw new RigLinkException($"The rig on {_port.PortName} changed between sessions: it first said {Handshake}, now {h}. Restart the runtime.");
        _running = true;
        _steps = 0;
        _pendingAction = false;
        StateMessage first = NextState(waitForNewer: true);
        first.Observation.Span.CopyTo(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_running) throw new InvalidOperationException("Step before Reset: call Reset to send HELLO and start the rig's session.");
        if (action.Length != _command.Length)
            throw new ArgumentException($"The rig takes {_command.Length} command values; got {action.Length}.", nameof(action));
        for (int i = 0; i < _command.Length; i++)
        {
            float a = action[i];
            if (!float.IsFinite(a)) throw new ArgumentException($"Command {i} is {a}; refusing to send a non-finite command.", nameof(action));
            _command[i] = Math.Clamp(a, Handshake.ActionLow[i], Handshake.ActionHigh[i]);
        }
        _pendingActionSeq = _encoder.NextSequence;
        _pendingActionTicks = Stopwatch.GetTimestamp();
        _pendingAction = true;
        Send(new ActionMessage(_lastStateSeq, _command));

        StateMessage state = NextState(waitForNewer: true);
        state.Observation.Span.CopyTo(observation);
        _steps++;
        bool terminated = (state.Flags & StateFlags.Limit) != 0;
        bool truncated = !terminated && ((state.Flags & (StateFlags.Truncated | StateFlags.EStop)) != 0
            || _options.MaxEpisodeSteps is int cap && _steps >= cap);
        return new StepResult(state.Reward, terminated, truncated);
    }

    public void Stop()
    {
        if (_disposed) return;
        _running = false;
        try
        {
            Send(new StopMessage(StopReason.EpisodeEnd));
        }
        catch (IOException)
        {
            // The port is gone; the rig's watchdog zeroes the motor. Stop must not throw.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            _running = false;
            Send(new StopMessage(StopReason.Shutdown));
        }
        catch (IOException)
        {
        }
        _disposed = true;
        _port.Dispose();
    }

    private HandshakeMessage Hello(uint seed)
    {
        _port.DiscardInput(); // STATEs from the last session are not this one's
        _decoder.Reset();
        _readStart = _readEnd = 0;
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            _encoder.NextSequence = 0;
            Send(new HelloMessage(seed));
            long deadline = Stopwatch.GetTimestamp() + (long)(_options.HandshakeTimeout.TotalSeconds * Stopwatch.Frequency);
            while (TryReadFrame(deadline, out Frame frame))
            {
                if (frame.Type == MessageType.Handshake)
                {
                    HandshakeMessage h = frame.ReadHandshake();
                    _states.Restart(frame.Sequence);
                    _lastStateSeq = frame.Sequence;
                    return h;
                }
                if (frame.Type == MessageType.Fault) OnFault(frame.ReadFault());
            }
        }
        string fault = LastFault is { } f ? $" Its last FAULT: {f.Code}: {f.Detail}." : "";
        throw new RigLinkException(
            $"No HANDSHAKE from {_port.PortName} after 3 HELLOs ({_options.HandshakeTimeout.TotalMilliseconds:F0} ms each).{fault} " +
            $"Check that the rig runs TrpoEdge firmware (or rig-emulator), that the baud rate ({_port.BaudRate}) matches, and that nothing else uses the port. Frames: {_decoder.Stats}");
    }

    /// <summary>Waits for a STATE newer than the last one, then takes any newer ones already queued.</summary>
    private StateMessage NextState(bool waitForNewer)
    {
        long deadline = Stopwatch.GetTimestamp() + _stateTimeoutTicks;
        StateMessage newest = default;
        bool have = false;
        while (true)
        {
            // Once one STATE is in hand, only what is already buffered counts (deadline = now).
            long until = have ? 0 : deadline;
            if (!TryReadFrame(until, out Frame frame)) break;
            switch (frame.Type)
            {
                case MessageType.State:
                    if (!_states.Accept(frame.Sequence)) break;
                    if (have) _skipped++;
                    newest = frame.ReadState(_stateBuffer);
                    have = true;
                    _received++;
                    _lastStateSeq = frame.Sequence;
                    if ((newest.Flags & StateFlags.Watchdog) != 0) _watchdogStates++;
                    if (_pendingAction && (ushort)(newest.AckSequence - _pendingActionSeq) < 0x8000)
                    {
                        _roundTrip.Record((long)((Stopwatch.GetTimestamp() - _pendingActionTicks) * (1e9 / Stopwatch.Frequency)));
                        _pendingAction = false;
                    }
                    break;
                case MessageType.Fault:
                    OnFault(frame.ReadFault());
                    break;
                default:
                    break;
            }
        }
        if (!have && waitForNewer)
            throw new RigLinkException(
                $"No STATE from the rig on {_port.PortName} for {_stateTimeoutTicks * 1000 / Stopwatch.Frequency} ms (control period {ControlPeriod * 1000:F0} ms): " +
                $"the link is down or the rig stopped{(LastFault is { } f ? $" (last FAULT {f.Code}: {f.Detail})" : "")}. Frames: {_decoder.Stats}");
        return newest;
    }

    /// <summary>Decodes the next frame from buffered bytes, reading the port until <paramref name="deadline"/>
    /// (a Stopwatch timestamp; 0: only what is already there).</summary>
    private bool TryReadFrame(long deadline, out Frame frame)
    {
        bool readOnce = false;
        while (true)
        {
            if (_readStart < _readEnd)
            {
                ReadOnlySpan<byte> input = _readBuffer.AsSpan(_readStart, _readEnd - _readStart);
                int before = input.Length;
                bool got = _decoder.TryDecode(ref input, out frame);
                _readStart += before - input.Length;
                if (got) return true;
            }
            long left = deadline - Stopwatch.GetTimestamp();
            // Past the deadline, one more look at what is already buffered, then give up, even if
            // garbage keeps arriving.
            if (left <= 0 && readOnce)
            {
                frame = default;
                return false;
            }
            int n = _port.Read(_readBuffer, left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
            readOnce = left <= 0;
            _readStart = 0;
            _readEnd = n;
        }
    }

    private void OnFault(FaultMessage fault)
    {
        _faults++;
        LastFault = fault;
    }

    private void Send<T>(in T message) where T : IWireMessage => _port.Write(_encoder.Encode(in message));

    private void CheckContract(HandshakeMessage h)
    {
        string where = $"rig '{h.RigId}' on {_port.PortName}";
        if (h.ProtocolVersion != WireProtocol.Version)
            throw new RigContractException($"The {where} speaks protocol version {h.ProtocolVersion}; this runtime speaks {WireProtocol.Version}. Update the firmware or the runtime.");
        if (_options.ExpectedObservationSpace is { } obs && obs.FlatSize != h.ObservationDim)
            throw new RigContractException($"The policy expects {obs.FlatSize} observation values; the {where} sends {h.ObservationDim}. Use a policy trained for this rig.");
        if (_options.ExpectedActionSpace is { } act)
        {
            if (act.Kind != SpaceKind.Box || act.Size != h.ActionDim)
                throw new RigContractException($"The policy acts with {act.FlatSize} {act.Kind} value(s); the {where} takes {h.ActionDim} continuous command(s). Use a policy trained for this rig.");
            for (int i = 0; i < h.ActionDim; i++)
                if (act.Low[i] < h.ActionLow[i] - 1e-6f || act.High[i] > h.ActionHigh[i] + 1e-6f)
                    throw new RigContractException($"Action {i}: the policy's bounds [{act.Low[i]}, {act.High[i]}] exceed the {where}'s limits [{h.ActionLow[i]}, {h.ActionHigh[i]}].");
        }
        if (_options.ExpectedControlPeriod is double p && Math.Abs(h.ControlPeriod - p) > 0.01 * p)
            throw new RigContractException($"The policy was trained at a {p * 1000:G4} ms control period; the {where} runs at {h.ControlPeriod * 1000:G4} ms. Reconfigure the rig or retrain.");
    }
}
