using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Wire;

namespace TrpoEdge.Emulator.Mqtt;

/// <summary>The virtual rig's link to an MQTT broker (hardware/PROTOCOL.md, "Over MQTT"): a gateway between the
/// protobuf messages on the broker and the wire frames <see cref="RigEmulator"/> already speaks, so the rig's
/// behaviour — watchdog, clipping, limits, sequence checks — is the one the serial tests prove. Host messages
/// (RigDownlink on trpoedge/rig/ID/action) become frames for <see cref="Read"/>; frames the rig writes become
/// RigUplink messages on trpoedge/rig/ID/state. The HANDSHAKE is also retained on trpoedge/rig/ID/handshake, published
/// again on every (re)connect because a restarted broker without persistence has forgotten it; the Will empties it, so
/// a host sees at once that the rig is gone.
/// <para>Sessions, the gateway's part of the protocol (the serial line has no third party to guard against): a HELLO
/// opens the session it names unless that session was seen before (a replayed HELLO); ACTION and STOP count only for
/// the open session. Anything else is refused, counted in <see cref="Refused"/>, and never reaches the rig. MQTTnet is
/// used directly: hardware/ may not reference the runtime's client (docs/ARCHITECTURE.md, layering), and a real rig's gateway
/// would carry its own too.</para></summary>
public sealed class MqttRigLink : IByteLink, IDisposable
{
    /// <summary>Sessions remembered to refuse replayed HELLOs; the host draws 31-bit random numbers, so an honest
    /// collision within this window is a one-in-a-million event (and costs one HELLO retry).</summary>
    private const int SessionHistory = 4096;

    private readonly ConcurrentQueue<byte[]> _incoming = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly FrameDecoder _decoder = new();
    private readonly float[] _floats = new float[WireProtocol.MaxObservationDim + WireProtocol.MaxActionDim];
    private readonly string _stateTopic, _actionTopic, _handshakeTopic;
    private readonly byte[] _handshakePayload;
    private readonly string _broker;
    private readonly MQTTnet.IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly CancellationTokenSource _closing = new();
    private readonly HashSet<uint> _seenSessions = [];
    private readonly Queue<uint> _sessionOrder = new();
    private uint _session;
    private long _received, _published, _undecodable, _refused, _connects, _unsent;
    private int _disposed, _reconnecting;

    /// <summary>MQTTnet reads on the thread pool while the rig's thread blocks on its writes; a pool that adds threads
    /// slowly under load would delay commands past the watchdog (see the runtime's client, which does the same).</summary>
    static MqttRigLink()
    {
        ThreadPool.GetMinThreads(out int worker, out int io);
        if (worker < 32 || io < 32) ThreadPool.SetMinThreads(Math.Max(worker, 32), Math.Max(io, 32));
    }

    private MqttRigLink(string broker, string rigId, MqttClientOptions options, byte[] handshakePayload)
    {
        _broker = broker;
        RigId = rigId;
        _options = options;
        _handshakePayload = handshakePayload;
        _stateTopic = $"trpoedge/rig/{rigId}/state";
        _actionTopic = $"trpoedge/rig/{rigId}/action";
        _handshakeTopic = $"trpoedge/rig/{rigId}/handshake";
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var p = e.ApplicationMessage.Payload;
            _incoming.Enqueue(p.IsEmpty ? [] : System.Buffers.BuffersExtensions.ToArray(p));
            Interlocked.Increment(ref _received);
            _available.Release();
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += _ =>
        {
            if (Volatile.Read(ref _disposed) == 0 && Interlocked.Read(ref _connects) > 0) StartReconnecting();
            return Task.CompletedTask;
        };
    }

    public string RigId { get; }
    public long Received => Interlocked.Read(ref _received);
    public long Published => Interlocked.Read(ref _published);
    public long Undecodable => Interlocked.Read(ref _undecodable);
    /// <summary>Downlinks refused by the session rules: replayed HELLOs, ACTION/STOP of another session.</summary>
    public long Refused => Interlocked.Read(ref _refused);
    /// <summary>Times the link came up (1 after connecting; more after a broker restart).</summary>
    public long Connects => Interlocked.Read(ref _connects);
    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects to <paramref name="url"/> (mqtt://[user[:password]@]HOST[:PORT]), announces
    /// <paramref name="handshake"/> retained and listens for host messages.</summary>
    public static MqttRigLink Connect(string url, HandshakeMessage handshake)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != "mqtt" || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"--mqtt takes a broker URL such as mqtt://127.0.0.1:1883; got '{url}'.");
        string rigId = handshake.RigId;
        if (rigId.AsSpan().IndexOfAny("/+#") >= 0)
            throw new ArgumentException($"The rig id \"{rigId}\" cannot be an MQTT topic level (no '/', '+', '#'); choose another --id.");
        int port = uri.Port > 0 ? uri.Port : 1883;
        string handshakeTopic = $"trpoedge/rig/{rigId}/handshake";
        var b = new MqttClientOptionsBuilder()
            .WithTcpServer(uri.Host, port)
            .WithClientId($"rig-{rigId}")
            .WithCleanSession(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(10))
            .WithTimeout(TimeSpan.FromSeconds(5))
            .WithProtocolVersion(MqttProtocolVersion.V311)
            // The Will empties the retained handshake: the rig's disappearance is visible at once.
            .WithWillTopic(handshakeTopic).WithWillPayload(Array.Empty<byte>()).WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            b = b.WithCredentials(Uri.UnescapeDataString(parts[0]), parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : "");
        }
        var link = new MqttRigLink($"{uri.Host}:{port.ToString(CultureInfo.InvariantCulture)}", rigId, b.Build(),
            new RigHandshake().Apply(handshake).ToByteArray());
        try
        {
            link.FirstConnect();
            return link;
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    private void FirstConnect()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            _client.ConnectAsync(_options, timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or System.Net.Sockets.SocketException or IOException)
        {
            throw new IOException($"Cannot connect to the MQTT broker {_broker}: {e.GetBaseException().Message}. Check that it runs and the URL is right.", e);
        }
        OnConnectedAsync().GetAwaiter().GetResult();
    }

    /// <summary>After every CONNACK: listen for the host, then announce the handshake (retained) again. Awaited from the
    /// reconnect task rather than blocked on: the SUBACK needs MQTTnet's receive loop, which runs on the thread pool.</summary>
    private async Task OnConnectedAsync()
    {
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(_actionTopic, MqttQualityOfServiceLevel.AtMostOnce).Build(), _closing.Token)
            .ConfigureAwait(false);
        Publish(_handshakeTopic, _handshakePayload, MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
        Interlocked.Increment(ref _connects);
    }

    private void StartReconnecting()
    {
        if (Interlocked.Exchange(ref _reconnecting, 1) != 0) return;
        _ = Task.Run(async () =>
        {
            var delay = TimeSpan.FromMilliseconds(250);
            try
            {
                while (Volatile.Read(ref _disposed) == 0 && !_client.IsConnected)
                {
                    await Task.Delay(delay, _closing.Token).ConfigureAwait(false);
                    try
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
                        timeout.CancelAfter(TimeSpan.FromSeconds(5));
                        await _client.ConnectAsync(_options, timeout.Token).ConfigureAwait(false);
                        Volatile.Write(ref _reconnecting, 0);
                        await OnConnectedAsync().ConfigureAwait(false);
                        return;
                    }
                    catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or System.Net.Sockets.SocketException
                        or IOException or InvalidOperationException)
                    {
                        // still away: back off, at most 4 s between attempts
                    }
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
                }
            }
            catch (OperationCanceledException)
            {
            }
            Volatile.Write(ref _reconnecting, 0);
        });
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        if (Volatile.Read(ref _disposed) != 0) return 0;
        if (!_incoming.TryDequeue(out byte[]? payload))
        {
            if (!_available.Wait(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout)) return 0;
            if (!_incoming.TryDequeue(out payload)) return 0;
        }
        else
        {
            _available.Wait(0); // keep the count in step with the queue
        }
        RigDownlink down;
        try
        {
            down = RigDownlink.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            Interlocked.Increment(ref _undecodable);
            return 0;
        }
        ushort seq = (ushort)down.Seq;
        switch (down.BodyCase)
        {
            case RigDownlink.BodyOneofCase.Hello:
                uint session = down.Hello.Session;
                if (session == 0 || down.Session != session || !RememberSession(session))
                {
                    Interlocked.Increment(ref _refused); // no session, or one seen before: a replayed HELLO
                    return 0;
                }
                _session = session;
                return FrameEncoder.Encode(new HelloMessage(down.Hello.Seed, (byte)down.Hello.ProtocolVersion), seq, buffer);
            case RigDownlink.BodyOneofCase.Action:
                if (!OfThisSession(down)) return 0;
                int n = Math.Min(down.Action.Command.Count, WireProtocol.MaxActionDim);
                if (n == 0) { Interlocked.Increment(ref _undecodable); return 0; }
                down.Action.Command.CopyTo(_floats, 0);
                return FrameEncoder.Encode(new ActionMessage((ushort)down.Action.StateSeq, _floats.AsMemory(0, n)), seq, buffer);
            case RigDownlink.BodyOneofCase.Stop:
                if (!OfThisSession(down)) return 0;
                return FrameEncoder.Encode(new StopMessage((StopReason)down.Stop.Reason), seq, buffer);
            default:
                Interlocked.Increment(ref _undecodable);
                return 0;
        }
    }

    private bool OfThisSession(RigDownlink down)
    {
        if (_session != 0 && down.Session == _session) return true;
        Interlocked.Increment(ref _refused);
        return false;
    }

    private bool RememberSession(uint session)
    {
        if (!_seenSessions.Add(session)) return false;
        _sessionOrder.Enqueue(session);
        if (_sessionOrder.Count > SessionHistory) _seenSessions.Remove(_sessionOrder.Dequeue());
        return true;
    }

    public bool Write(ReadOnlySpan<byte> data)
    {
        while (_decoder.TryDecode(ref data, out Frame frame))
        {
            var up = new RigUplink { Seq = frame.Sequence, Session = _session };
            switch (frame.Type)
            {
                case MessageType.Handshake:
                    HandshakeMessage h = frame.ReadHandshake();
                    up.Handshake = new RigHandshake().Apply(h);
                    break;
                case MessageType.State:
                    StateMessage s = frame.ReadState(_floats);
                    up.State = new RigState { DeviceTimeUs = s.DeviceTimeUs, AckSeq = s.AckSequence, Flags = (uint)s.Flags, Reward = s.Reward };
                    up.State.Observation.AddRange(s.Observation.ToArray());
                    break;
                case MessageType.Fault:
                    FaultMessage f = frame.ReadFault();
                    up.Fault = new RigFault { Code = (uint)f.Code, Detail = f.Detail };
                    break;
                default:
                    continue;
            }
            Publish(_stateTopic, up.ToByteArray(), MqttQualityOfServiceLevel.AtMostOnce, retain: false);
        }
        return true;
    }

    /// <summary>Publishes, or drops the message when the broker is away (the rig's watchdog covers a lost STATE; the
    /// handshake goes out again on reconnect).</summary>
    private void Publish(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain)
    {
        if (Volatile.Read(ref _disposed) != 0 || !_client.IsConnected)
        {
            Interlocked.Increment(ref _unsent);
            return;
        }
        var message = new MqttApplicationMessage { Topic = topic, PayloadSegment = payload, QualityOfServiceLevel = qos, Retain = retain };
        try
        {
            Task t = _client.PublishAsync(message, _closing.Token);
            if (qos == MqttQualityOfServiceLevel.AtMostOnce) t.GetAwaiter().GetResult(); // written: keep the uplink in order
            Interlocked.Increment(ref _published);
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException or IOException)
        {
            Interlocked.Increment(ref _unsent);
        }
    }

    /// <summary>Clears the retained handshake (the rig is going away) and disconnects.</summary>
    public void Dispose()
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        try
        {
            if (_client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                _client.PublishAsync(new MqttApplicationMessage
                {
                    Topic = _handshakeTopic, PayloadSegment = Array.Empty<byte>(), QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce, Retain = true,
                }, timeout.Token).GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException or IOException)
        {
        }
        Interlocked.Exchange(ref _disposed, 1);
        _closing.Cancel();
        try
        {
            if (_client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token)
                    .GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException or IOException)
        {
        }
        _client.Dispose();
        // _available is not disposed: an emulator thread still in Read must get "nothing arrived", not an
        // ObjectDisposedException that would take the process down. It holds no kernel handle until one is asked for.
    }
}
