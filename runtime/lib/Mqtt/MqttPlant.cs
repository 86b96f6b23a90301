using System.Diagnostics;
using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Wire;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>A rig reached through an MQTT broker (hardware/PROTOCOL.md, "Over MQTT"): the serial protocol's
/// session — HELLO/HANDSHAKE, STATE, ACTION, STOP, FAULT with sequence numbers — as protobuf messages on
/// trpoedge/rig/ID/action (host → rig) and trpoedge/rig/ID/state (rig → host). The session rules are
/// <see cref="RigSession"/>'s, shared with the serial plant; this class moves the messages. Construction says HELLO,
/// checks the HANDSHAKE against the expected contract and STOPs the rig; each <see cref="Reset"/> starts a new session
/// (a fresh session number that every downlink carries and every uplink echoes, so nothing from an earlier session —
/// queued, or replayed by someone else — is taken for this one's); each <see cref="Step"/> publishes one ACTION and
/// returns the next STATE, whose ack seq says whether the rig applied it (<see cref="IRigFeedback"/>).
/// <para>A broker is shared ground: the episode ends as interrupted (<see cref="PlantInterruptedException"/>), never
/// the run, when the connection drops, when no STATE comes for the link timeout, or when the rig answers another
/// HELLO (someone took its session). <see cref="Reset"/> then waits for the client to reconnect (bounded by
/// <see cref="MqttPlantOptions.ReconnectTimeout"/>) and says HELLO again. The plant owns its own connection (its own
/// client id) so bulk traffic on other connections never queues in front of a command.</para></summary>
public sealed class MqttPlant : IPlant, IRigFeedback
{
    private readonly IMqttClient _client;
    private readonly MqttPlantOptions _options;
    private readonly string _actionTopic, _stateTopic;
    private readonly float[] _command;
    private readonly RigSession _session;
    private readonly long _stateTimeoutTicks;
    private readonly Random _sessions = new();
    private readonly uint[] _ownSessions = new uint[8]; // this host's recent sessions: their late answers are not a takeover
    private int _ownCount;
    private uint _sessionId, _nextSeq, _lastStateSeq, _lastUplinkSeq;
    private bool _running, _disposed;
    private uint _episodeCounter;
    private long _missed, _stale, _foreign, _takeovers, _faultsBeforeSession;

    public MqttPlant(IMqttClient client, string rigId, MqttPlantOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _options = options ?? new MqttPlantOptions();
        _options.Validate();
        _client = client;
        RigId = rigId;
        _actionTopic = MqttTopics.RigAction(rigId);
        _stateTopic = MqttTopics.RigState(rigId);
        _client.Subscribe(_stateTopic, MqttQos.AtMostOnce);

        RigHandshake first = Hello(0, TimeSpan.Zero);
        Send(new RigDownlink { Stop = new RigStop { Reason = (uint)StopReason.EpisodeEnd } });
        Handshake = first;
        HandshakeMessage wire = ToWire(first);
        RigSession.CheckContract(wire, _options.ExpectedObservationSpace, _options.ExpectedActionSpace, _options.ExpectedControlPeriod,
            $"rig '{first.RigId}' (over MQTT)");
        _session = new RigSession(wire, _options.EnvId, _options.ExpectedObservationSpace, _options.ExpectedActionSpace, _options.MaxEpisodeSteps);
        _command = new float[wire.ActionDim];
        Description = $"mqtt rig '{first.RigId}' via {client.ClientId}";
        TimeSpan timeout = _options.StateTimeout ?? _session.LinkTimeout;
        _stateTimeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    }

    public string RigId { get; }
    /// <summary>The rig's answer to the first HELLO.</summary>
    public RigHandshake Handshake { get; }
    public string EnvId => _session.EnvId;
    public SpaceSpec ObservationSpace => _session.ObservationSpace;
    public SpaceSpec ActionSpace => _session.ActionSpace;
    public double ControlPeriod => _session.ControlPeriod;
    public RigLimits? Limits => _session.Limits;
    public bool IsSimulated => true;
    public string Description { get; }
    public RigFault? LastFault { get; private set; }
    public bool LastActionApplied => _session.LastActionApplied;
    public bool LastStateLate => _session.LastStateLate;

    /// <summary>State→action→state round trips through the broker, in nanoseconds: from publishing ACTION n to
    /// reading the first STATE that acknowledges it.</summary>
    public LatencyHistogram RoundTrip => _session.RoundTrip;

    public MqttLinkStats LinkStats => new(_session.StatesReceived, _missed, _stale, _session.SkippedStates, _session.Faults + _faultsBeforeSession,
        _session.WatchdogStates, _foreign, _session.RoundTrip.Count,
        _session.RoundTrip.Count == 0 ? double.NaN : _session.RoundTrip.Percentile(0.5),
        _session.RoundTrip.Count == 0 ? double.NaN : _session.RoundTrip.Percentile(0.99),
        _session.ActionsNotApplied, _session.LateStates, _takeovers);

    public void Reset(ulong? seed, Span<float> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WaitForConnection();
        uint s = seed is ulong v ? (uint)(v ^ (v >> 32)) : ++_episodeCounter;
        // After a broker restart the rig's gateway reconnects on its own schedule: keep saying HELLO for as long as a
        // reconnect may take, not just three times.
        RigHandshake h = Hello(s, _options.ReconnectTimeout);
        if (!h.Equals(Handshake))
            throw new RigContractException($"The rig '{RigId}' changed between sessions: it first said {Handshake}, now {h}. Restart the runtime.");
        _running = true;
        _session.BeginEpisode();
        RigState first = NextState();
        CopyObservation(first, observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_running) throw new InvalidOperationException("Step before Reset: call Reset to say HELLO and start the rig's session.");
        _session.Clip(action, _command);
        var msg = new RigAction { StateSeq = _lastStateSeq };
        msg.Command.Add(_command);
        _session.ActionSent(_nextSeq);
        try
        {
            Send(new RigDownlink { Action = msg });
        }
        catch (MqttException e)
        {
            _running = false;
            throw new PlantInterruptedException($"the connection to the broker dropped ({e.Message}); the rig's watchdog zeroes its motor", e);
        }
        RigState state = NextState();
        CopyObservation(state, observation);
        return _session.Finish(state.Reward, (StateFlags)state.Flags, state.AckSeq);
    }

    public void Stop()
    {
        if (_disposed) return;
        _running = false;
        try
        {
            Send(new RigDownlink { Stop = new RigStop { Reason = (uint)StopReason.EpisodeEnd } });
        }
        catch (Exception e) when (e is MqttException or ObjectDisposedException)
        {
            // The broker is gone: the rig's watchdog zeroes the motor. Stop must not throw.
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            _running = false;
            Send(new RigDownlink { Stop = new RigStop { Reason = (uint)StopReason.Shutdown } });
        }
        catch (Exception e) when (e is MqttException or ObjectDisposedException)
        {
        }
        _disposed = true;
    }

    /// <summary>After a broker restart the client reconnects on its own, with bounded backoff; a new episode waits
    /// for that, up to <see cref="MqttPlantOptions.ReconnectTimeout"/>.</summary>
    private void WaitForConnection()
    {
        if (_client.IsConnected) return;
        var waited = Stopwatch.StartNew();
        while (!_client.IsConnected)
        {
            if (waited.Elapsed > _options.ReconnectTimeout)
                throw new MqttException($"The connection to the broker did not come back within {_options.ReconnectTimeout.TotalSeconds:G3} s; " +
                    $"rig '{RigId}' cannot be reached. Check the broker.");
            Thread.Sleep(20);
        }
    }

    /// <summary>HELLO until a HANDSHAKE answers: three times, and beyond that until <paramref name="keepTrying"/> has
    /// passed.</summary>
    private RigHandshake Hello(uint seed, TimeSpan keepTrying)
    {
        while (_client.Messages.TryRead(out _)) { } // anything queued belongs to an earlier session
        var started = Stopwatch.StartNew();
        int attempts = 0;
        for (int attempt = 1; attempt <= 3 || started.Elapsed < keepTrying; attempt++)
        {
            attempts = attempt;
            uint session;
            do session = (uint)_sessions.Next(1, int.MaxValue); while (session == _sessionId);
            _sessionId = session;
            _ownSessions[_ownCount++ % _ownSessions.Length] = session;
            _nextSeq = 0;
            long deadline = Stopwatch.GetTimestamp() + (long)(_options.HandshakeTimeout.TotalSeconds * Stopwatch.Frequency);
            try
            {
                Send(new RigDownlink { Hello = new RigHello { ProtocolVersion = WireProtocol.Version, Seed = seed, Session = session } });
            }
            catch (MqttException)
            {
                // not connected: wait out this attempt as if the HELLO were lost (QoS 0), then try again
            }
            while (TryNext(deadline, out RigUplink? up, out _))
            {
                if (up!.BodyCase == RigUplink.BodyOneofCase.Handshake)
                {
                    _lastStateSeq = _lastUplinkSeq = up.Seq;
                    return up.Handshake;
                }
                if (up.BodyCase == RigUplink.BodyOneofCase.Fault) OnFault(up.Fault);
            }
        }
        string fault = LastFault is { } f ? $" Its last FAULT: {(FaultCode)f.Code}: {f.Detail}." : "";
        throw new MqttException(
            $"No HANDSHAKE from rig '{RigId}' on {_stateTopic} after {attempts} HELLOs ({_options.HandshakeTimeout.TotalMilliseconds:F0} ms each).{fault} " +
            $"Check that the rig (or `rig-emulator --mqtt URL --id {RigId}`) is connected to the same broker, and the rig id.");
    }

    /// <summary>Waits for a STATE of this session newer than the last, then takes any newer ones already queued.
    /// Throws <see cref="PlantInterruptedException"/> when none comes within the link timeout, or the rig answered
    /// another host's HELLO.</summary>
    private RigState NextState()
    {
        long deadline = Stopwatch.GetTimestamp() + _stateTimeoutTicks;
        RigState? newest = null;
        while (true)
        {
            if (!TryNext(newest is null ? deadline : 0, out RigUplink? up, out uint takenBy))
            {
                if (newest is not null) return newest;
                _running = false;
                if (takenBy != 0)
                {
                    _takeovers++;
                    throw new PlantInterruptedException($"rig '{RigId}' answered a HELLO of another session ({takenBy}): someone else took the rig; " +
                        "lock its action topic down with the broker's ACL (hardware/broker)");
                }
                throw new PlantInterruptedException(
                    $"no STATE from rig '{RigId}' for {_stateTimeoutTicks * 1000 / Stopwatch.Frequency} ms (control period {ControlPeriod * 1000:F0} ms; " +
                    $"broker {(_client.IsConnected ? "connected" : "disconnected")})" +
                    $"{(LastFault is { } f ? $", last FAULT {(FaultCode)f.Code}: {f.Detail}" : "")}; the rig's watchdog zeroes its motor");
            }
            // One sequence per sender over all its messages (a FAULT takes a number too): gaps are lost messages.
            uint ahead = up!.Seq - _lastUplinkSeq;
            if (ahead == 0 || ahead >= 0x8000_0000u) { _stale++; continue; }
            _missed += ahead - 1;
            _lastUplinkSeq = up.Seq;
            switch (up.BodyCase)
            {
                case RigUplink.BodyOneofCase.State:
                    _session.OnState(up.State.AckSeq, (StateFlags)up.State.Flags, replacesAnother: newest is not null);
                    newest = up.State;
                    _lastStateSeq = up.Seq;
                    break;
                case RigUplink.BodyOneofCase.Fault:
                    OnFault(up.Fault);
                    break;
            }
        }
    }

    /// <summary>The next uplink message of this session, waiting until <paramref name="deadline"/> (a Stopwatch
    /// timestamp; 0: only what is already queued). <paramref name="takenBy"/>: the session of a HANDSHAKE this host did
    /// not ask for, seen while waiting — the rig now serves someone else, so waiting longer is pointless.</summary>
    private bool TryNext(long deadline, out RigUplink? up, out uint takenBy)
    {
        takenBy = 0;
        while (true)
        {
            while (_client.Messages.TryRead(out MqttMessage? m))
            {
                if (m.Topic != _stateTopic) continue;
                RigUplink parsed;
                try
                {
                    parsed = RigUplink.Parser.ParseFrom(m.Payload);
                }
                catch (InvalidProtocolBufferException)
                {
                    _foreign++;
                    continue;
                }
                if (parsed.Session != _sessionId)
                {
                    _foreign++;
                    if (_running && parsed.BodyCase == RigUplink.BodyOneofCase.Handshake && parsed.Session != 0 && !IsOwn(parsed.Session))
                    {
                        takenBy = parsed.Session;
                        up = null;
                        return false;
                    }
                    continue;
                }
                up = parsed;
                return true;
            }
            long left = deadline - Stopwatch.GetTimestamp();
            if (left <= 0) { up = null; return false; }
            try
            {
                _client.Messages.WaitToReadAsync().AsTask().Wait(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency));
            }
            catch (AggregateException)
            {
                up = null;
                return false; // the client was disposed
            }
        }
    }

    private bool IsOwn(uint session)
    {
        foreach (uint s in _ownSessions) if (s == session) return true;
        return false;
    }

    private void CopyObservation(RigState state, Span<float> observation)
    {
        if (state.Observation.Count != observation.Length)
            throw new MqttException($"Rig '{RigId}' sent {state.Observation.Count} observation values; its handshake promised {observation.Length}.");
        for (int i = 0; i < observation.Length; i++) observation[i] = state.Observation[i];
    }

    private void OnFault(RigFault fault)
    {
        if (_session is null) _faultsBeforeSession++;
        else _session.OnFault();
        LastFault = fault;
    }

    private void Send(RigDownlink message)
    {
        message.Seq = _nextSeq++;
        message.Session = _sessionId; // the rig refuses a downlink of any other session: a replay from an earlier one
        _client.Publish(_actionTopic, message.ToByteArray(), MqttQos.AtMostOnce);
    }

    /// <summary>The protobuf HANDSHAKE as the wire codec's message, so both plants share one set of session rules.</summary>
    private HandshakeMessage ToWire(RigHandshake h)
    {
        if (h.ActionLow.Count != h.ActDim || h.ActionHigh.Count != h.ActDim)
            throw new RigContractException($"The rig '{h.RigId}' (over MQTT) states act_dim {h.ActDim} but {h.ActionLow.Count}/{h.ActionHigh.Count} action limits; its handshake is malformed.");
        try
        {
            return new HandshakeMessage(h.RigId, (int)h.ObsDim, [.. h.ActionLow], [.. h.ActionHigh], h.ControlPeriodUs, (ushort)Math.Min(h.WatchdogMs, ushort.MaxValue),
                h.AngleLimit, h.VelocityLimit, (byte)Math.Min(h.ProtocolVersion, byte.MaxValue));
        }
        catch (ArgumentException e)
        {
            throw new RigContractException($"The rig '{h.RigId}' (over MQTT) sent a HANDSHAKE the protocol does not allow: {e.Message}");
        }
    }
}
