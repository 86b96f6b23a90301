using System.Diagnostics;
using System.Globalization;
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
/// trpoedge/rig/ID/action (host → rig) and trpoedge/rig/ID/state (rig → host). Construction says HELLO, checks the
/// HANDSHAKE against the expected contract and STOPs the rig; each <see cref="Reset"/> starts a new session (a fresh
/// session number, echoed by the rig, so nothing from an earlier session is mistaken for this one's); each
/// <see cref="Step"/> publishes one ACTION, clipped to the rig's limits, and returns the next STATE. The rig's clock
/// paces the loop, as for the serial plant. The plant owns its own connection (its own client id) so bulk traffic
/// on other connections never queues in front of a command.</summary>
public sealed class MqttPlant : IPlant
{
    private readonly IMqttClient _client;
    private readonly MqttPlantOptions _options;
    private readonly string _actionTopic, _stateTopic;
    private readonly float[] _command;
    private readonly LatencyHistogram _roundTrip = new();
    private readonly long _stateTimeoutTicks;
    private readonly Random _sessions = new();
    private uint _session, _nextSeq, _lastStateSeq, _lastUplinkSeq, _pendingActionSeq;
    private long _pendingActionTicks;
    private bool _pendingAction, _running, _disposed;
    private int _steps;
    private uint _episodeCounter;
    private long _received, _missed, _stale, _skipped, _faults, _watchdogStates, _foreign;

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
        Thread.Sleep(50); // let the SUBACK land before the first HELLO: an answer before it would be lost

        Handshake = Hello(0);
        Send(new RigDownlink { Stop = new RigStop { Reason = (uint)StopReason.EpisodeEnd } });
        CheckContract(Handshake);
        int act = (int)Handshake.ActDim;
        _command = new float[act];
        EnvId = _options.EnvId ?? "Rig:" + Handshake.RigId;
        ObservationSpace = _options.ExpectedObservationSpace
            ?? SpaceSpec.Box(Enumerable.Repeat(float.NegativeInfinity, (int)Handshake.ObsDim).ToArray(),
                             Enumerable.Repeat(float.PositiveInfinity, (int)Handshake.ObsDim).ToArray());
        ActionSpace = _options.ExpectedActionSpace ?? SpaceSpec.Box(Handshake.ActionLow.ToArray(), Handshake.ActionHigh.ToArray());
        ControlPeriod = Handshake.ControlPeriodUs * 1e-6;
        bool angle = float.IsFinite(Handshake.AngleLimit), velocity = float.IsFinite(Handshake.VelocityLimit);
        Limits = angle || velocity ? new RigLimits(angle ? Handshake.AngleLimit : null, velocity ? Handshake.VelocityLimit : null, false) : null;
        Description = $"mqtt rig '{Handshake.RigId}' via {client.ClientId}";
        TimeSpan timeout = _options.StateTimeout
            ?? TimeSpan.FromSeconds(Math.Max(3 * ControlPeriod, Handshake.WatchdogMs / 1000.0) + 0.25);
        _stateTimeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    }

    public string RigId { get; }
    /// <summary>The rig's answer to the first HELLO.</summary>
    public RigHandshake Handshake { get; }
    public string EnvId { get; }
    public SpaceSpec ObservationSpace { get; }
    public SpaceSpec ActionSpace { get; }
    public double ControlPeriod { get; }
    public RigLimits? Limits { get; }
    public bool IsSimulated => true;
    public string Description { get; }
    public RigFault? LastFault { get; private set; }

    /// <summary>State→action→state round trips through the broker, in nanoseconds: from publishing ACTION n to
    /// reading the first STATE that acknowledges it.</summary>
    public LatencyHistogram RoundTrip => _roundTrip;

    public MqttLinkStats LinkStats => new(_received, _missed, _stale, _skipped, _faults, _watchdogStates, _foreign,
        _roundTrip.Count, _roundTrip.Count == 0 ? double.NaN : _roundTrip.Percentile(0.5),
        _roundTrip.Count == 0 ? double.NaN : _roundTrip.Percentile(0.99));

    public void Reset(ulong? seed, Span<float> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        uint s = seed is ulong v ? (uint)(v ^ (v >> 32)) : ++_episodeCounter;
        RigHandshake h = Hello(s);
        if (!h.Equals(Handshake))
            throw new MqttException($"The rig '{RigId}' changed between sessions: it first said {Handshake}, now {h}. Restart the runtime.");
        _running = true;
        _steps = 0;
        _pendingAction = false;
        RigState first = NextState();
        CopyObservation(first, observation);
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_running) throw new InvalidOperationException("Step before Reset: call Reset to say HELLO and start the rig's session.");
        if (action.Length != _command.Length)
            throw new ArgumentException($"The rig takes {_command.Length} command values; got {action.Length}.", nameof(action));
        var msg = new RigAction { StateSeq = _lastStateSeq };
        for (int i = 0; i < _command.Length; i++)
        {
            float a = action[i];
            if (!float.IsFinite(a)) throw new ArgumentException($"Command {i} is {a}; refusing to send a non-finite command.", nameof(action));
            msg.Command.Add(Math.Clamp(a, Handshake.ActionLow[i], Handshake.ActionHigh[i]));
        }
        _pendingActionSeq = _nextSeq;
        _pendingActionTicks = Stopwatch.GetTimestamp();
        _pendingAction = true;
        Send(new RigDownlink { Action = msg });

        RigState state = NextState();
        CopyObservation(state, observation);
        _steps++;
        var flags = (StateFlags)state.Flags;
        bool terminated = (flags & StateFlags.Limit) != 0;
        bool truncated = !terminated && ((flags & (StateFlags.Truncated | StateFlags.EStop)) != 0
            || _options.MaxEpisodeSteps is int cap && _steps >= cap);
        return new StepResult(state.Reward, terminated, truncated);
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

    private RigHandshake Hello(uint seed)
    {
        while (_client.Messages.TryRead(out _)) { } // anything queued belongs to an earlier session
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            uint session;
            do session = (uint)_sessions.Next(1, int.MaxValue); while (session == _session);
            _session = session;
            _nextSeq = 0;
            Send(new RigDownlink { Hello = new RigHello { ProtocolVersion = WireProtocol.Version, Seed = seed, Session = session } });
            long deadline = Stopwatch.GetTimestamp() + (long)(_options.HandshakeTimeout.TotalSeconds * Stopwatch.Frequency);
            while (TryNext(deadline, out RigUplink? up))
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
            $"No HANDSHAKE from rig '{RigId}' on {_stateTopic} after 3 HELLOs ({_options.HandshakeTimeout.TotalMilliseconds:F0} ms each).{fault} " +
            $"Check that the rig (or `rig-emulator --mqtt URL --id {RigId}`) is connected to the same broker, and the rig id.");
    }

    /// <summary>Waits for a STATE of this session newer than the last, then takes any newer ones already queued.</summary>
    private RigState NextState()
    {
        long deadline = Stopwatch.GetTimestamp() + _stateTimeoutTicks;
        RigState? newest = null;
        while (TryNext(newest is null ? deadline : 0, out RigUplink? up))
        {
            // One sequence per sender over all its messages (a FAULT takes a number too): gaps are lost messages.
            uint ahead = up!.Seq - _lastUplinkSeq;
            if (ahead == 0 || ahead >= 0x8000_0000u) { _stale++; continue; }
            _missed += ahead - 1;
            _lastUplinkSeq = up.Seq;
            switch (up.BodyCase)
            {
                case RigUplink.BodyOneofCase.State:
                    if (newest is not null) _skipped++;
                    newest = up.State;
                    _lastStateSeq = up.Seq;
                    _received++;
                    if (((StateFlags)newest.Flags & StateFlags.Watchdog) != 0) _watchdogStates++;
                    if (_pendingAction && (ushort)((ushort)newest.AckSeq - (ushort)_pendingActionSeq) < 0x8000)
                    {
                        _roundTrip.Record((long)((Stopwatch.GetTimestamp() - _pendingActionTicks) * (1e9 / Stopwatch.Frequency)));
                        _pendingAction = false;
                    }
                    break;
                case RigUplink.BodyOneofCase.Fault:
                    OnFault(up.Fault);
                    break;
            }
        }
        return newest ?? throw new MqttException(
            $"No STATE from rig '{RigId}' for {_stateTimeoutTicks * 1000 / Stopwatch.Frequency} ms (control period {ControlPeriod * 1000:F0} ms): " +
            $"the broker or the rig is gone{(LastFault is { } f ? $" (last FAULT {(FaultCode)f.Code}: {f.Detail})" : "")}. The rig's watchdog zeroes its motor.");
    }

    /// <summary>The next uplink message of this session, waiting until <paramref name="deadline"/> (a Stopwatch
    /// timestamp; 0: only what is already queued).</summary>
    private bool TryNext(long deadline, out RigUplink? up)
    {
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
                if (parsed.Session != _session) { _foreign++; continue; }
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

    private void CopyObservation(RigState state, Span<float> observation)
    {
        if (state.Observation.Count != observation.Length)
            throw new MqttException($"Rig '{RigId}' sent {state.Observation.Count} observation values; its handshake promised {observation.Length}.");
        for (int i = 0; i < observation.Length; i++) observation[i] = state.Observation[i];
    }

    private void OnFault(RigFault fault)
    {
        _faults++;
        LastFault = fault;
    }

    private void Send(RigDownlink message)
    {
        message.Seq = _nextSeq++;
        _client.Publish(_actionTopic, message.ToByteArray(), MqttQos.AtMostOnce);
    }

    private void CheckContract(RigHandshake h)
    {
        string where = $"rig '{h.RigId}' (over MQTT)";
        if (h.ProtocolVersion != WireProtocol.Version)
            throw new MqttException($"The {where} speaks protocol version {h.ProtocolVersion}; this runtime speaks {WireProtocol.Version}. Update the rig or the runtime.");
        if (h.ActionLow.Count != h.ActDim || h.ActionHigh.Count != h.ActDim)
            throw new MqttException($"The {where} states act_dim {h.ActDim} but {h.ActionLow.Count}/{h.ActionHigh.Count} action limits; its handshake is malformed.");
        if (_options.ExpectedObservationSpace is { } obs && obs.FlatSize != h.ObsDim)
            throw new MqttException($"The policy expects {obs.FlatSize} observation values; the {where} sends {h.ObsDim}. Use a policy trained for this rig.");
        if (_options.ExpectedActionSpace is { } act)
        {
            if (act.Kind != SpaceKind.Box || act.Size != h.ActDim)
                throw new MqttException($"The policy acts with {act.FlatSize} {act.Kind} value(s); the {where} takes {h.ActDim} continuous command(s). Use a policy trained for this rig.");
            for (int i = 0; i < h.ActDim; i++)
                if (act.Low[i] < h.ActionLow[i] - 1e-6f || act.High[i] > h.ActionHigh[i] + 1e-6f)
                    throw new MqttException($"Action {i}: the policy's bounds [{act.Low[i]}, {act.High[i]}] exceed the {where}'s limits [{h.ActionLow[i]}, {h.ActionHigh[i]}].");
        }
        double period = h.ControlPeriodUs * 1e-6;
        if (_options.ExpectedControlPeriod is double p && Math.Abs(period - p) > 0.01 * p)
            throw new MqttException($"The policy was trained at a {(p * 1000).ToString("G4", CultureInfo.InvariantCulture)} ms control period; the {where} runs at {(period * 1000).ToString("G4", CultureInfo.InvariantCulture)} ms. Reconfigure the rig or retrain.");
    }
}
