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
/// used and the others counted as skipped. The session rules themselves — contract check, clipping, what a STATE
/// acknowledges, the step result — are <see cref="RigSession"/>'s, shared with the MQTT plant. Steady-state steps
/// allocate nothing.</summary>
public sealed class SerialPlant : IPlant, IRigFeedback
{
    private readonly ISerialPort _port;
    private readonly SerialPlantOptions _options;
    private readonly FrameEncoder _encoder = new();
    private readonly FrameDecoder _decoder = new();
    private readonly SequenceTracker _states = new();
    private readonly byte[] _readBuffer = new byte[1024];
    private readonly float[] _stateBuffer = new float[WireProtocol.MaxObservationDim];
    private readonly float[] _command;
    private readonly RigSession _session;
    private readonly long _stateTimeoutTicks;
    private int _readStart, _readEnd;
    private ushort _lastStateSeq;
    private bool _running, _disposed;
    private uint _episodeCounter;
    private long _faultsBeforeSession;

    public SerialPlant(ISerialPort port, SerialPlantOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(port);
        _options = options ?? new SerialPlantOptions();
        _options.Validate();
        _port = port;
        _port.Write([WireProtocol.Delimiter]); // ends whatever half frame the rig may be holding
        HandshakeMessage handshake = Hello(0);
        Send(new StopMessage(StopReason.EpisodeEnd));
        RigSession.CheckContract(handshake, _options.ExpectedObservationSpace, _options.ExpectedActionSpace, _options.ExpectedControlPeriod,
            $"rig '{handshake.RigId}' on {_port.PortName}");
        _session = new RigSession(handshake, _options.EnvId, _options.ExpectedObservationSpace, _options.ExpectedActionSpace, _options.MaxEpisodeSteps);
        _command = new float[handshake.ActionDim];
        Description = $"serial {port.PortName} @ {port.BaudRate.ToString(CultureInfo.InvariantCulture)} baud, rig '{handshake.RigId}'";
        _stateTimeoutTicks = (long)(_session.LinkTimeout.TotalSeconds * Stopwatch.Frequency);
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
    public HandshakeMessage Handshake => _session.Handshake;
    public string EnvId => _session.EnvId;
    public SpaceSpec ObservationSpace => _session.ObservationSpace;
    public SpaceSpec ActionSpace => _session.ActionSpace;
    public double ControlPeriod => _session.ControlPeriod;
    public RigLimits? Limits => _session.Limits;
    public bool IsSimulated => true;
    public bool LastActionApplied => _session.LastActionApplied;
    public bool LastStateLate => _session.LastStateLate;
    public string Description { get; }
    /// <summary>The last FAULT the rig sent, if any.</summary>
    public FaultMessage? LastFault { get; private set; }

    public SerialLinkStats LinkStats => new(_session.StatesReceived, _states.Lost, _states.Stale, _session.SkippedStates,
        _session.Faults + _faultsBeforeSession, _session.WatchdogStates,
        _session.RoundTrip.Count, _session.RoundTrip.Count == 0 ? double.NaN : _session.RoundTrip.Percentile(0.5),
        _session.RoundTrip.Count == 0 ? double.NaN : _session.RoundTrip.Percentile(0.99), _decoder.Stats, _session.ActionsNotApplied);

    public void Reset(ulong? seed, Span<float> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        uint s = seed is ulong v ? (uint)(v ^ (v >> 32)) : ++_episodeCounter;
        HandshakeMessage h = Hello(s);
        if (!h.Equals(Handshake))
            throw new RigLinkException($"The rig on {_port.PortName} changed between sessions: it first said {Handshake}, now {h}. Restart the runtime.");
        _running = true;
        _session.BeginEpisode();
        StateMessage first = NextState(waitForNewer: true);
        first.Observation.Span.CopyTo(observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_running) throw new InvalidOperationException("Step before Reset: call Reset to send HELLO and start the rig's session.");
        _session.Clip(action, _command);
        _session.ActionSent(_encoder.NextSequence);
        Send(new ActionMessage(_lastStateSeq, _command));

        StateMessage state = NextState(waitForNewer: true);
        state.Observation.Span.CopyTo(observation);
        return _session.Finish(state.Reward, state.Flags, state.AckSequence);
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
                    newest = frame.ReadState(_stateBuffer);
                    _session?.OnState(newest.AckSequence, newest.Flags, replacesAnother: have);
                    have = true;
                    _lastStateSeq = frame.Sequence;
                    break;
                case MessageType.Fault:
                    OnFault(frame.ReadFault());
                    break;
                default:
                    break;
            }
        }
        if (!have && waitForNewer)
            throw new PlantInterruptedException(
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
        if (_session is null) _faultsBeforeSession++;
        else _session.OnFault();
        LastFault = fault;
    }

    private void Send<T>(in T message) where T : IWireMessage => _port.Write(_encoder.Encode(in message));
}
