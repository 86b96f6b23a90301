using System.Diagnostics;
using System.Globalization;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Wire;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Sim;

namespace TrpoEdge.Runtime.Plants;

/// <summary>The host's half of hardware/PROTOCOL.md's session rules, whatever carries the frames — a serial line
/// (<see cref="SerialPlant"/>) or a broker (<c>MqttPlant</c>): the HANDSHAKE checked against the policy's contract, the
/// spaces, period and limits the plant presents, commands clipped to the rig's limits, the link timeout, and per STATE
/// the bookkeeping — round trip from ACTION n to the first STATE acknowledging n, whether the step's own command was
/// applied, late and skipped STATEs, watchdog flags, and the step result (LIMIT terminates; TRUNCATED, ESTOP or the
/// host's step cap truncate). The transports only move messages. Allocation-free per step.</summary>
public sealed class RigSession
{
    private readonly int? _maxEpisodeSteps;
    private readonly long _lateTicks;
    private readonly LatencyHistogram _roundTrip = new();
    private ushort _pendingSeq;
    private long _pendingTicks;
    private bool _pending, _acknowledged;
    private int _steps;
    private long _received, _skipped, _watchdogStates, _faults, _notApplied, _late;

    /// <param name="handshake">The rig's answer to the first HELLO, already checked with <see cref="CheckContract"/>.</param>
    /// <param name="envId">The env id to present (the model's); null: "Rig:" + the rig's id.</param>
    public RigSession(HandshakeMessage handshake, string? envId, SpaceSpec? observationSpace, SpaceSpec? actionSpace, int? maxEpisodeSteps)
    {
        Handshake = handshake;
        _maxEpisodeSteps = maxEpisodeSteps;
        EnvId = envId ?? "Rig:" + handshake.RigId;
        ObservationSpace = observationSpace
            ?? SpaceSpec.Box(Enumerable.Repeat(float.NegativeInfinity, handshake.ObservationDim).ToArray(),
                             Enumerable.Repeat(float.PositiveInfinity, handshake.ObservationDim).ToArray());
        ActionSpace = actionSpace ?? SpaceSpec.Box(handshake.ActionLow, handshake.ActionHigh);
        ControlPeriod = handshake.ControlPeriod;
        bool angle = float.IsFinite(handshake.AngleLimit), velocity = float.IsFinite(handshake.VelocityLimit);
        Limits = angle || velocity ? new RigLimits(angle ? handshake.AngleLimit : null, velocity ? handshake.VelocityLimit : null, false) : null;
        // Silence for three periods or the rig's watchdog period, whichever is longer, means the link is down: by then
        // the rig's watchdog has zeroed its motor.
        LinkTimeout = TimeSpan.FromSeconds(Math.Max(3 * ControlPeriod, handshake.WatchdogMs / 1000.0) + 0.25);
        _lateTicks = (long)(1.5 * ControlPeriod * Stopwatch.Frequency);
    }

    public HandshakeMessage Handshake { get; }
    public string EnvId { get; }
    public SpaceSpec ObservationSpace { get; }
    public SpaceSpec ActionSpace { get; }
    public double ControlPeriod { get; }
    public RigLimits? Limits { get; }
    public TimeSpan LinkTimeout { get; }
    public LatencyHistogram RoundTrip => _roundTrip;
    public int ActionDim => Handshake.ActionDim;

    public long StatesReceived => _received;
    public long SkippedStates => _skipped;
    public long WatchdogStates => _watchdogStates;
    public long Faults => _faults;
    /// <summary>Steps whose STATE did not acknowledge the step's own ACTION (lost, late, or a command the host never sent).</summary>
    public long ActionsNotApplied => _notApplied;
    public long LateStates => _late;
    public bool LastActionApplied { get; private set; } = true;
    public bool LastStateLate { get; private set; }

    /// <summary>Checks a HANDSHAKE against the policy's contract; throws <see cref="RigContractException"/> naming the
    /// field that does not fit. <paramref name="where"/> names the rig and the link for the message.</summary>
    public static void CheckContract(HandshakeMessage h, SpaceSpec? observationSpace, SpaceSpec? actionSpace, double? controlPeriod, string where)
    {
        if (h.ProtocolVersion != WireProtocol.Version)
            throw new RigContractException($"The {where} speaks protocol version {h.ProtocolVersion}; this runtime speaks {WireProtocol.Version}. Update the rig's firmware or the runtime.");
        if (observationSpace is { } obs && obs.FlatSize != h.ObservationDim)
            throw new RigContractException($"The policy expects {obs.FlatSize} observation values; the {where} sends {h.ObservationDim}. Use a policy trained for this rig.");
        if (actionSpace is { } act)
        {
            if (act.Kind != SpaceKind.Box || act.Size != h.ActionDim)
                throw new RigContractException($"The policy acts with {act.FlatSize} {act.Kind} value(s); the {where} takes {h.ActionDim} continuous command(s). Use a policy trained for this rig.");
            for (int i = 0; i < h.ActionDim; i++)
                if (act.Low[i] < h.ActionLow[i] - 1e-6f || act.High[i] > h.ActionHigh[i] + 1e-6f)
                    throw new RigContractException($"Action {i}: the policy's bounds [{act.Low[i]}, {act.High[i]}] exceed the {where}'s limits [{h.ActionLow[i]}, {h.ActionHigh[i]}].");
        }
        if (controlPeriod is double p && Math.Abs(h.ControlPeriod - p) > 0.01 * p)
            throw new RigContractException($"The policy was trained at a {(p * 1000).ToString("G4", CultureInfo.InvariantCulture)} ms control period; the {where} runs at " +
                $"{(h.ControlPeriod * 1000).ToString("G4", CultureInfo.InvariantCulture)} ms. Reconfigure the rig or retrain.");
    }

    /// <summary>A new session (HELLO answered): the step count and the pending ACTION start over.</summary>
    public void BeginEpisode()
    {
        _steps = 0;
        _pending = false;
        LastActionApplied = true;
        LastStateLate = false;
    }

    /// <summary>Refuses a non-finite command and clips the others to the rig's limits (the rig clips again).</summary>
    public void Clip(ReadOnlySpan<float> action, Span<float> command)
    {
        if (action.Length != ActionDim)
            throw new ArgumentException($"The rig takes {ActionDim} command values; got {action.Length}.", nameof(action));
        for (int i = 0; i < action.Length; i++)
        {
            float a = action[i];
            if (!float.IsFinite(a)) throw new ArgumentException($"Command {i} is {a}; refusing to send a non-finite command.", nameof(action));
            command[i] = Math.Clamp(a, Handshake.ActionLow[i], Handshake.ActionHigh[i]);
        }
    }

    /// <summary>The ACTION with sequence number <paramref name="seq"/> (its low 16 bits: what the rig echoes) is on its way.</summary>
    public void ActionSent(uint seq)
    {
        _pendingSeq = (ushort)seq;
        _pendingTicks = Stopwatch.GetTimestamp();
        _pending = true;
        _acknowledged = false;
    }

    /// <summary>A STATE of this session, newer than the last; <paramref name="replacesAnother"/>: one taken earlier in
    /// the same read is superseded (the host was slow; only the newest counts).</summary>
    public void OnState(uint ackSeq, StateFlags flags, bool replacesAnother)
    {
        _received++;
        if (replacesAnother) _skipped++;
        if ((flags & StateFlags.Watchdog) != 0) _watchdogStates++;
        if (_pending && !_acknowledged && (ushort)((ushort)ackSeq - _pendingSeq) < 0x8000)
        {
            _roundTrip.Record((long)((Stopwatch.GetTimestamp() - _pendingTicks) * (1e9 / Stopwatch.Frequency)));
            _acknowledged = true;
        }
    }

    public void OnFault() => _faults++;

    /// <summary>Ends a step on the newest STATE: records whether the rig applied this step's ACTION — its ack seq must
    /// name exactly that ACTION (an older one means the rig held the previous command or zeroed it; another one, a
    /// command this host did not send) — and whether the STATE came late; returns the step's result.</summary>
    public StepResult Finish(float reward, StateFlags flags, uint ackSeq)
    {
        LastActionApplied = _pending && (ushort)ackSeq == _pendingSeq && (flags & StateFlags.Watchdog) == 0;
        LastStateLate = _pending && Stopwatch.GetTimestamp() - _pendingTicks > _lateTicks;
        if (!LastActionApplied) _notApplied++;
        if (LastStateLate) _late++;
        _pending = false;
        _steps++;
        bool terminated = (flags & StateFlags.Limit) != 0;
        bool truncated = !terminated && ((flags & (StateFlags.Truncated | StateFlags.EStop)) != 0
            || _maxEpisodeSteps is int cap && _steps >= cap);
        return new StepResult(reward, terminated, truncated);
    }
}
