using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Wire;

namespace TrpoEdge.Emulator.Mqtt;

/// <summary>The virtual rig's link to an MQTT broker (hardware/PROTOCOL.md, "Over MQTT"): a gateway between the
/// protobuf messages on the broker and the wire frames <see cref="RigEmulator"/> already speaks, so the rig's
/// behaviour — watchdog, clipping, limits, sequence checks — is the one the serial tests prove. Host messages
/// (RigDownlink on trpoedge/rig/ID/action) become frames for <see cref="Read"/>; frames the rig writes become
/// RigUplink messages on trpoedge/rig/ID/state, the HANDSHAKE also retained on trpoedge/rig/ID/handshake. The
/// Will empties that retained handshake, so a host sees at once that the rig is gone.</summary>
public sealed unsafe class MqttRigLink : IByteLink, IDisposable
{
    private readonly ConcurrentQueue<byte[]> _incoming = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly FrameDecoder _decoder = new();
    private readonly float[] _floats = new float[WireProtocol.MaxObservationDim + WireProtocol.MaxActionDim];
    private readonly byte[] _frame = new byte[WireProtocol.MaxWireLength];
    private readonly byte[] _stateTopic, _actionTopic, _handshakeTopic;
    private readonly string _broker;
    private GCHandle _self;
    private IntPtr _mosq;
    private uint _session;
    private long _received, _published, _undecodable;
    private int _disposed, _callers; // see Publish and Dispose

    private MqttRigLink(string broker, string rigId)
    {
        _broker = broker;
        RigId = rigId;
        _stateTopic = GatewayNative.Utf8($"trpoedge/rig/{rigId}/state");
        _actionTopic = GatewayNative.Utf8($"trpoedge/rig/{rigId}/action");
        _handshakeTopic = GatewayNative.Utf8($"trpoedge/rig/{rigId}/handshake");
    }

    public string RigId { get; }
    public long Received => Interlocked.Read(ref _received);
    public long Published => Interlocked.Read(ref _published);
    public long Undecodable => Interlocked.Read(ref _undecodable);

    /// <summary>Connects to <paramref name="url"/> (mqtt://[user[:password]@]HOST[:PORT]), announces
    /// <paramref name="handshake"/> retained and listens for host messages.</summary>
    public static MqttRigLink Connect(string url, HandshakeMessage handshake)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme != "mqtt" || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"--mqtt takes a broker URL such as mqtt://127.0.0.1:1883; got '{url}'.");
        string rigId = handshake.RigId;
        if (rigId.AsSpan().IndexOfAny("/+#") >= 0)
            throw new ArgumentException($"The rig id \"{rigId}\" cannot be an MQTT topic level (no '/', '+', '#'); choose another --id.");
        GatewayNative.EnsureLoaded();
        int port = uri.Port > 0 ? uri.Port : 1883;
        var link = new MqttRigLink($"{uri.Host}:{port.ToString(CultureInfo.InvariantCulture)}", rigId);
        try
        {
            link.Start(uri, port, handshake);
            return link;
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    private void Start(Uri uri, int port, HandshakeMessage handshake)
    {
        _self = GCHandle.Alloc(this);
        byte[] id = GatewayNative.Utf8($"rig-{RigId}");
        fixed (byte* p = id) _mosq = GatewayNative.New(p, 1, GCHandle.ToIntPtr(_self));
        if (_mosq == IntPtr.Zero) throw new IOException("mosquitto_new failed.");
        GatewayNative.ConnectCallbackSet(_mosq, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, void>)&OnConnect);
        GatewayNative.MessageCallbackSet(_mosq, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, void>)&OnMessage);
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            byte[] u = GatewayNative.Utf8(Uri.UnescapeDataString(parts[0]));
            byte[]? pw = parts.Length == 2 ? GatewayNative.Utf8(Uri.UnescapeDataString(parts[1])) : null;
            fixed (byte* pu = u)
            fixed (byte* ppw = pw)
                GatewayNative.UsernamePwSet(_mosq, pu, ppw);
        }
        fixed (byte* t = _handshakeTopic) GatewayNative.WillSet(_mosq, t, 0, null, 1, 1);
        GatewayNative.ReconnectDelaySet(_mosq, 1, 8, 1);
        byte[] host = GatewayNative.Utf8(uri.Host);
        int rc;
        fixed (byte* h = host) rc = GatewayNative.Connect(_mosq, h, port, 10);
        if (rc != 0) throw new IOException($"Cannot connect to the MQTT broker {_broker}: {GatewayNative.Error(rc)}. Check that it runs and the URL is right.");
        rc = GatewayNative.LoopStart(_mosq);
        if (rc != 0) throw new IOException($"libmosquitto could not start its network thread: {GatewayNative.Error(rc)}.");
        // Announced once, retained: a host can check the rig's contract before it sends HELLO.
        Publish(_handshakeTopic, new RigHandshake { }.Apply(handshake).ToByteArray(), 1, retain: true);
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
                _session = down.Hello.Session;
                return FrameEncoder.Encode(new HelloMessage(down.Hello.Seed, (byte)down.Hello.ProtocolVersion), seq, buffer);
            case RigDownlink.BodyOneofCase.Action:
                int n = Math.Min(down.Action.Command.Count, WireProtocol.MaxActionDim);
                if (n == 0) { Interlocked.Increment(ref _undecodable); return 0; }
                down.Action.Command.CopyTo(_floats, 0);
                return FrameEncoder.Encode(new ActionMessage((ushort)down.Action.StateSeq, _floats.AsMemory(0, n)), seq, buffer);
            case RigDownlink.BodyOneofCase.Stop:
                return FrameEncoder.Encode(new StopMessage((StopReason)down.Stop.Reason), seq, buffer);
            default:
                Interlocked.Increment(ref _undecodable);
                return 0;
        }
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
            Publish(_stateTopic, up.ToByteArray(), 0, retain: false);
        }
        return true;
    }

    /// <summary>Publishes unless the link is being disposed. The emulator thread writes while another thread may
    /// dispose; the caller count keeps mosquitto_destroy from freeing the handle under a running mosquitto_publish.</summary>
    private void Publish(byte[] topic, byte[] payload, int qos, bool retain)
    {
        Interlocked.Increment(ref _callers);
        try
        {
            if (Volatile.Read(ref _disposed) != 0) return; // going away: the rig's watchdog covers a lost STATE
            int mid;
            fixed (byte* t = topic)
            fixed (byte* p = payload)
                GatewayNative.Publish(_mosq, &mid, t, payload.Length, p, qos, retain ? (byte)1 : (byte)0);
            Interlocked.Increment(ref _published);
        }
        finally
        {
            Interlocked.Decrement(ref _callers);
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnConnect(IntPtr mosq, IntPtr obj, int rc)
    {
        try
        {
            if (rc != 0 || GCHandle.FromIntPtr(obj).Target is not MqttRigLink self) return;
            int mid;
            fixed (byte* t = self._actionTopic) GatewayNative.Subscribe(mosq, &mid, t, 0);
        }
        catch (Exception)
        {
            // never across the C boundary
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnMessage(IntPtr mosq, IntPtr obj, IntPtr message)
    {
        try
        {
            if (GCHandle.FromIntPtr(obj).Target is not MqttRigLink self) return;
            byte* m = (byte*)message;
            IntPtr payload = *(IntPtr*)(m + 2 * IntPtr.Size);
            int length = *(int*)(m + 3 * IntPtr.Size);
            self._incoming.Enqueue(new ReadOnlySpan<byte>((void*)payload, length).ToArray());
            Interlocked.Increment(ref self._received);
            self._available.Release();
        }
        catch (Exception)
        {
        }
    }

    /// <summary>Clears the retained handshake (the rig is going away), disconnects and frees the library handle.</summary>
    public void Dispose()
    {
        if (_mosq != IntPtr.Zero && Volatile.Read(ref _disposed) == 0)
        {
            Publish(_handshakeTopic, [], 1, retain: true);
            Interlocked.Exchange(ref _disposed, 1);
            var spin = new SpinWait();
            while (Volatile.Read(ref _callers) != 0) spin.SpinOnce();
            Thread.Sleep(50); // let the network thread send it before DISCONNECT
            GatewayNative.Disconnect(_mosq);
            GatewayNative.LoopStop(_mosq, 0);
            GatewayNative.Destroy(_mosq);
            _mosq = IntPtr.Zero;
        }
        if (_self.IsAllocated) _self.Free();
        // _available is not disposed: an emulator thread still in Read must get "nothing arrived", not an
        // ObjectDisposedException that would take the process down. It holds no kernel handle until one is asked for.
    }
}
