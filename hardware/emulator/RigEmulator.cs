using System.Diagnostics;
using TrpoEdge.Core.Wire;
using TrpoEdge.Sim;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Emulator;

/// <summary>A virtual rig: the sim's <see cref="RigEnv"/> (motor, friction, encoder quantisation,
/// noise, delay) behind hardware/PROTOCOL.md, with the firmware's safety behaviour — the watchdog
/// zeroes the motor when valid ACTIONs stop, commands are clipped, a velocity or angle limit latches
/// the motor off until the next HELLO, bad frames are dropped and counted. One thread runs
/// <see cref="Run"/>; the read-only properties may be watched from others.</summary>
public sealed class RigEmulator
{
    private readonly RigEnv _env;
    private readonly EmulatorOptions _options;
    private readonly HandshakeMessage _handshake;
    private readonly long _periodTicks, _watchdogTicks;
    private readonly FrameDecoder _decoder = new();
    private readonly FrameEncoder _encoder = new();
    private readonly SequenceTracker _host = new();
    private readonly float[] _obs, _command, _actionBuffer = new float[WireProtocol.MaxActionDim];
    private readonly byte[] _readBuffer = new byte[4096];
    private IByteLink? _link;

    private bool _active, _limitLatched, _watchdogTripped;
    private StateFlags _sticky;
    private ushort _ackSeq, _lastStateSeq;
    private long _lastValidAction, _lastWatchdogTrip, _nextTick, _epochTicks;
    private double _unwrappedAngle, _lastAngle;
    private long _sessions, _states, _applied, _bad, _clipped, _late, _trips;
    private int _commandBits;

    public RigEmulator(RigSpec spec, EmulatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _options = options ?? new EmulatorOptions();
        _options.Validate();
        _env = new RigEnv(spec);
        var obsSpace = (BoxSpace)_env.ObservationSpace;
        var actSpace = (BoxSpace)_env.ActionSpace;
        _obs = new float[obsSpace.Dim];
        _command = new float[actSpace.Dim];
        uint periodUs = (uint)Math.Round(spec.ControlPeriod * 1e6);
        int watchdogMs = _options.WatchdogMs ?? Math.Max(100, (int)Math.Ceiling(4 * spec.ControlPeriod * 1000));
        _handshake = new HandshakeMessage(_options.RigId ?? Truncate("emu-" + spec.Name), obsSpace.Dim, actSpace.Low, actSpace.High,
            periodUs, (ushort)watchdogMs,
            (float)(spec.Limits.MaxAngle ?? double.PositiveInfinity), (float)(spec.Limits.MaxVelocity ?? double.PositiveInfinity));
        _periodTicks = (long)(spec.ControlPeriod * Stopwatch.Frequency);
        _watchdogTicks = watchdogMs * Stopwatch.Frequency / 1000;
        _epochTicks = Stopwatch.GetTimestamp();
    }

    /// <summary>What this rig answers to HELLO.</summary>
    public HandshakeMessage Handshake => _handshake;
    public RigSpec Spec => _env.Spec;
    public bool IsActive => Volatile.Read(ref _active);
    /// <summary>The command the motor is executing now (0 after STOP, a watchdog trip or a limit).</summary>
    public float AppliedCommand => BitConverter.Int32BitsToSingle(Volatile.Read(ref _commandBits));
    public bool WatchdogTripped => Volatile.Read(ref _watchdogTripped);
    /// <summary>Stopwatch timestamp of the last valid ACTION and of the last watchdog trip.</summary>
    public long LastValidActionTimestamp => Volatile.Read(ref _lastValidAction);
    public long LastWatchdogTripTimestamp => Volatile.Read(ref _lastWatchdogTrip);

    public EmulatorStats Stats => new(Volatile.Read(ref _sessions), Volatile.Read(ref _states), Volatile.Read(ref _applied),
        _host.Lost, _host.Stale, Volatile.Read(ref _bad), Volatile.Read(ref _clipped), Volatile.Read(ref _late),
        Volatile.Read(ref _trips), (_link as PseudoTerminal)?.DroppedWrites ?? 0, _decoder.Stats);

    /// <summary>Serves the protocol on <paramref name="link"/> until cancelled.</summary>
    public void Run(IByteLink link, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(link);
        _link = link;
        long oneMs = Stopwatch.Frequency / 1000;
        while (!cancel.IsCancellationRequested)
        {
            long now = Stopwatch.GetTimestamp();
            long wait = oneMs;
            if (_active && !_options.Lockstep) wait = Math.Clamp(_nextTick - now, 0, oneMs);
            int n = link.Read(_readBuffer, TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            ReadOnlySpan<byte> input = _readBuffer.AsSpan(0, n);
            while (_decoder.TryDecode(ref input, out Frame frame)) OnFrame(frame);

            now = Stopwatch.GetTimestamp();
            if (_active && !_watchdogTripped && now - _lastValidAction > _watchdogTicks)
            {
                // Zero the motor and stamp the trip before raising the flag: another thread that sees
                // WatchdogTripped must also see the zeroed command and the trip time.
                SetCommandZero();
                Volatile.Write(ref _lastWatchdogTrip, now);
                _trips++;
                Volatile.Write(ref _watchdogTripped, true);
                Send(new FaultMessage(FaultCode.Watchdog, $"no valid ACTION for {_handshake.WatchdogMs} ms"));
            }
            if (_active && !_options.Lockstep && now >= _nextTick)
            {
                _nextTick += _periodTicks;
                if (now > _nextTick)
                {
                    _sticky |= StateFlags.Overrun; // we fell a whole period behind: say so, do not burst
                    _nextTick = now + _periodTicks;
                }
                Tick();
            }
        }
        SetCommandZero();
    }

    private void OnFrame(Frame frame)
    {
        switch (frame.Type)
        {
            case MessageType.Hello:
                OnHello(frame.Sequence, frame.ReadHello());
                break;
            case MessageType.Action:
                OnAction(frame.Sequence, frame.ReadAction(_actionBuffer));
                break;
            case MessageType.Stop:
                _active = false;
                SetCommandZero();
                break;
            default:
                break; // rig-to-host types: an echoing line, ignore
        }
    }

    private void OnHello(ushort seq, HelloMessage hello)
    {
        if (hello.ProtocolVersion != WireProtocol.Version)
        {
            Send(new FaultMessage(FaultCode.Version, $"protocol version {WireProtocol.Version} only, got {hello.ProtocolVersion}"));
            return;
        }
        _env.Reset(hello.Seed, _obs);
        _lastAngle = _unwrappedAngle = Math.Atan2(_obs[1], _obs[0]);
        _sessions++;
        _active = true;
        _limitLatched = false;
        _watchdogTripped = false;
        _sticky = StateFlags.None;
        SetCommandZero();
        _host.Restart(seq);
        _ackSeq = seq;
        long now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _lastValidAction, now); // the host gets one watchdog period for its first ACTION
        _encoder.NextSequence = 0;
        Send(_handshake);
        SendState(0f, StateFlags.None); // the episode's first observation, at once
        _nextTick = now + _periodTicks;
    }

    private void OnAction(ushort seq, ActionMessage action)
    {
        if (!_active)
        {
            Send(new FaultMessage(FaultCode.NotReady, "ACTION before HELLO"));
            return;
        }
        if (!_host.Accept(seq)) return; // duplicate or reordered
        ReadOnlySpan<float> cmd = action.Command.Span;
        if (cmd.Length != _command.Length)
        {
            _bad++;
            Send(new FaultMessage(FaultCode.BadAction, $"expected {_command.Length} commands, got {cmd.Length}"));
            return;
        }
        foreach (float c in cmd)
        {
            if (!float.IsFinite(c))
            {
                _bad++;
                Send(new FaultMessage(FaultCode.BadAction, "non-finite command"));
                return;
            }
        }
        bool clipped = false;
        for (int i = 0; i < cmd.Length; i++)
        {
            float c = Math.Clamp(cmd[i], _handshake.ActionLow[i], _handshake.ActionHigh[i]);
            clipped |= c != cmd[i];
            _command[i] = c;
        }
        if (clipped) { _clipped++; _sticky |= StateFlags.Clipped; }
        if ((ushort)(_lastStateSeq - action.StateSequence) > 1) { _late++; _sticky |= StateFlags.Late; }
        _ackSeq = seq;
        _applied++;
        _watchdogTripped = false; // a valid command re-arms the watchdog: the host is back
        Volatile.Write(ref _lastValidAction, Stopwatch.GetTimestamp());
        if (!_limitLatched) Volatile.Write(ref _commandBits, BitConverter.SingleToInt32Bits(_command[0]));
        if (_options.Lockstep) Tick();
    }

    /// <summary>One control period: the model advances under the held command (zero when a safety
    /// condition holds) and the new observation goes out.</summary>
    private void Tick()
    {
        if (_watchdogTripped || _limitLatched) SetCommandZero();
        StepResult r = _env.Step(_command, _obs);
        double angle = Math.Atan2(_obs[1], _obs[0]);
        _unwrappedAngle += Math.IEEERemainder(angle - _lastAngle, 2 * Math.PI);
        _lastAngle = angle;
        bool overLimit = Math.Abs(_obs[2]) > _handshake.VelocityLimit || Math.Abs(_unwrappedAngle) > _handshake.AngleLimit;
        if ((overLimit || r.Terminated) && !_limitLatched)
        {
            _limitLatched = true;
            SetCommandZero();
            Send(new FaultMessage(FaultCode.Limit, $"|velocity| {Math.Abs(_obs[2]):F1} rad/s or |angle| {Math.Abs(_unwrappedAngle):F1} rad over the limit"));
        }
        StateFlags flags = _sticky;
        if (r.Truncated) flags |= StateFlags.Truncated;
        SendState((float)r.Reward, flags);
        _sticky = StateFlags.None;
    }

    private void SendState(float reward, StateFlags flags)
    {
        if (_watchdogTripped) flags |= StateFlags.Watchdog;
        if (_limitLatched) flags |= StateFlags.Limit;
        uint deviceUs = (uint)((Stopwatch.GetTimestamp() - _epochTicks) * 1_000_000 / Stopwatch.Frequency);
        _lastStateSeq = _encoder.NextSequence;
        Send(new StateMessage(deviceUs, _ackSeq, flags, reward, _obs));
        _states++;
    }

    private void Send<T>(in T message) where T : IWireMessage => _link!.Write(_encoder.Encode(in message));

    private void SetCommandZero()
    {
        Array.Clear(_command);
        Volatile.Write(ref _commandBits, 0);
    }

    private static string Truncate(string id) => id.Length <= WireProtocol.MaxRigIdBytes ? id : id[..WireProtocol.MaxRigIdBytes];
}
