using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary><see cref="IMqttClient"/> over libmosquitto. The library's own network thread (mosquitto_loop_start)
/// reads, writes, keeps the connection alive and reconnects with exponential backoff
/// (mosquitto_reconnect_delay_set). Its callbacks are static [UnmanagedCallersOnly] functions — nothing the
/// garbage collector could move or free — that find this object through a GCHandle passed as libmosquitto's
/// <c>obj</c>; they copy each message out of the library's buffer (freed when the callback returns) and hand it to
/// a <see cref="Channel{T}"/>, so the network thread never waits for the consumer.</summary>
public sealed unsafe class MosquittoClient : IMqttClient
{
    private readonly MqttClientOptions _options;
    private readonly Channel<MqttMessage> _messages = Channel.CreateUnbounded<MqttMessage>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });
    private readonly List<(byte[] Filter, int Qos)> _subscriptions = [];
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _firstConnack = new();
    private GCHandle _self;
    private IntPtr _mosq;
    private int _connected;
    private int _lastConnackCode = -1;
    private long _connects;
    private int _disposed;
    private int _callers; // Publish/Subscribe calls inside the library right now: Dispose waits for them to leave

    private MosquittoClient(MqttClientOptions options)
    {
        _options = options;
    }

    /// <summary>Connects and waits for the broker's CONNACK (up to <see cref="MqttClientOptions.ConnectTimeout"/>).
    /// Throws <see cref="MqttException"/> naming the broker when it refuses (bad credentials, ...) or cannot be reached.
    /// Once connected, a lost connection is re-established in the background.</summary>
    public static MosquittoClient Connect(MqttClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        MosquittoNative.EnsureLoaded();
        var client = new MosquittoClient(options);
        try
        {
            client.Start();
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public string ClientId => _options.ClientId;
    public bool IsConnected => Volatile.Read(ref _connected) != 0;
    public ChannelReader<MqttMessage> Messages => _messages.Reader;
    public long Connects => Interlocked.Read(ref _connects);
    public string Broker => MqttUrl.Redact(_options);

    public event Action<int>? Delivered;
    public event Action<bool>? ConnectionChanged;

    private void Start()
    {
        _self = GCHandle.Alloc(this, GCHandleType.Normal);
        byte[] id = MosquittoNative.Utf8(_options.ClientId)!;
        fixed (byte* pid = id) _mosq = MosquittoNative.New(pid, _options.CleanSession ? (byte)1 : (byte)0, GCHandle.ToIntPtr(_self));
        if (_mosq == IntPtr.Zero) throw new MqttException($"mosquitto_new failed for client id \"{_options.ClientId}\" (out of memory or an invalid id).");

        MosquittoNative.ConnectCallbackSet(_mosq, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, void>)&OnConnect);
        MosquittoNative.DisconnectCallbackSet(_mosq, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, void>)&OnDisconnect);
        MosquittoNative.PublishCallbackSet(_mosq, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, int, void>)&OnPublish);
        MosquittoNative.MessageCallbackSet(_mosq, (IntPtr)(delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr, void>)&OnMessage);

        if (_options.Username is not null)
        {
            byte[] u = MosquittoNative.Utf8(_options.Username)!;
            byte[]? p = MosquittoNative.Utf8(_options.Password);
            fixed (byte* pu = u)
            fixed (byte* pp = p)
                Check(MosquittoNative.UsernamePwSet(_mosq, pu, pp), "set the username and password");
        }
        if (_options.Tls is { } tls)
        {
            byte[]? ca = MosquittoNative.Utf8(tls.CaFile), capath = MosquittoNative.Utf8(tls.CaPath),
                cert = MosquittoNative.Utf8(tls.CertFile), key = MosquittoNative.Utf8(tls.KeyFile);
            fixed (byte* pca = ca)
            fixed (byte* pcapath = capath)
            fixed (byte* pcert = cert)
            fixed (byte* pkey = key)
                Check(MosquittoNative.TlsSet(_mosq, pca, pcapath, pcert, pkey, IntPtr.Zero), "configure TLS (check the CA, certificate and key files)");
            if (tls.Insecure) Check(MosquittoNative.TlsInsecureSet(_mosq, 1), "disable the TLS host-name check");
        }
        if (_options.Will is { } will)
        {
            byte[] topic = MosquittoNative.Utf8(will.Topic)!;
            fixed (byte* pt = topic)
            fixed (byte* pp = will.Payload)
                Check(MosquittoNative.WillSet(_mosq, pt, will.Payload.Length, pp, (int)will.Qos, will.Retain ? (byte)1 : (byte)0), $"set the Will on {will.Topic}");
        }
        Check(MosquittoNative.ReconnectDelaySet(_mosq, (uint)Math.Max(1, Math.Ceiling(_options.ReconnectDelay.TotalSeconds)), (uint)Math.Max(1, Math.Ceiling(_options.ReconnectDelayMax.TotalSeconds)), 1), "set the reconnect delay");

        byte[] host = MosquittoNative.Utf8(_options.Host)!;
        int rc;
        fixed (byte* ph = host) rc = MosquittoNative.ConnectAsync(_mosq, ph, _options.Port, _options.KeepAliveSeconds);
        // connect_async fails at once only for a bad argument or an unresolvable host; a refused TCP connection is
        // retried by the loop thread like a lost one, and reported below as a timeout.
        if (rc != MosquittoNative.Success && rc != MosquittoNative.Errno)
            throw new MqttException($"Cannot connect to the MQTT broker {Broker}: {MosquittoNative.Error(rc)}. Check the host name and port.");
        Check(MosquittoNative.LoopStart(_mosq), "start the network thread");

        if (!_firstConnack.Wait(_options.ConnectTimeout))
            throw new MqttException($"No answer from the MQTT broker {Broker} within {_options.ConnectTimeout.TotalSeconds:G3} s. " +
                "Check that the broker runs (e.g. `mosquitto -p PORT`) and that host and port are right.");
        int code = Volatile.Read(ref _lastConnackCode);
        if (code != 0)
        {
            string hint = code is 4 or 5 ? " Check the username and password (and the broker's password_file / acl_file)." : "";
            throw new MqttException($"The MQTT broker {Broker} refused the connection of \"{_options.ClientId}\": {MosquittoNative.Connack(code)}.{hint}");
        }
    }

    public int Publish(string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retain = false)
    {
        MqttTopics.CheckPublishTopic(topic);
        byte[] t = MosquittoNative.Utf8(topic)!;
        int mid = 0, rc;
        using (EnterLibrary())
        {
            fixed (byte* pt = t)
            fixed (byte* pp = payload)
                rc = MosquittoNative.Publish(_mosq, &mid, pt, payload.Length, pp, (int)qos, retain ? (byte)1 : (byte)0);
        }
        if (rc != MosquittoNative.Success)
            throw new MqttException($"Publishing {payload.Length} bytes on {topic} to {Broker} failed: {MosquittoNative.Error(rc)}.");
        return mid;
    }

    public void Subscribe(string filter, MqttQos qos)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        byte[] f = MosquittoNative.Utf8(filter)!;
        lock (_gate) _subscriptions.Add((f, (int)qos));
        if (!IsConnected) return; // OnConnect subscribes
        int rc, mid;
        using (EnterLibrary())
        {
            fixed (byte* pf = f) rc = MosquittoNative.Subscribe(_mosq, &mid, pf, (int)qos);
        }
        if (rc != MosquittoNative.Success && rc != MosquittoNative.NoConn)
            throw new MqttException($"Subscribing to {filter} at {Broker} failed: {MosquittoNative.Error(rc)}.");
    }

    /// <summary>Counts the caller in for the span of one library call (dispose the result to leave), or throws if the
    /// client is disposed. Publishing threads (trajectory and status publishers) may race the thread that disposes:
    /// without the count, mosquitto_publish could run on a handle mosquitto_destroy has just freed — a native crash,
    /// not an exception.</summary>
    private LibraryCall EnterLibrary()
    {
        Interlocked.Increment(ref _callers);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Decrement(ref _callers);
            throw new ObjectDisposedException(nameof(MosquittoClient));
        }
        return new LibraryCall(this);
    }

    private readonly ref struct LibraryCall(MosquittoClient client)
    {
        public void Dispose() => Interlocked.Decrement(ref client._callers);
    }

    private static MosquittoClient? From(IntPtr obj) => obj == IntPtr.Zero ? null : GCHandle.FromIntPtr(obj).Target as MosquittoClient;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnConnect(IntPtr mosq, IntPtr obj, int rc)
    {
        try
        {
            if (From(obj) is not { } self) return;
            Volatile.Write(ref self._lastConnackCode, rc);
            if (rc == 0)
            {
                lock (self._gate)
                {
                    foreach ((byte[] filter, int qos) in self._subscriptions)
                    {
                        int mid;
                        fixed (byte* pf = filter) MosquittoNative.Subscribe(mosq, &mid, pf, qos);
                    }
                }
                Volatile.Write(ref self._connected, 1);
                Interlocked.Increment(ref self._connects);
                self.ConnectionChanged?.Invoke(true);
            }
            self._firstConnack.Set();
        }
        catch (Exception)
        {
            // Never let an exception cross into C; a failing handler must not kill the network thread.
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnDisconnect(IntPtr mosq, IntPtr obj, int rc)
    {
        try
        {
            if (From(obj) is not { } self) return;
            Volatile.Write(ref self._connected, 0);
            self.ConnectionChanged?.Invoke(false);
        }
        catch (Exception)
        {
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnPublish(IntPtr mosq, IntPtr obj, int mid)
    {
        try
        {
            From(obj)?.Delivered?.Invoke(mid);
        }
        catch (Exception)
        {
        }
    }

    // struct mosquitto_message { int mid; char *topic; void *payload; int payloadlen; int qos; bool retain; }
    // 64-bit layout: mid @0, topic @8, payload @16, payloadlen @24, qos @28, retain @32.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnMessage(IntPtr mosq, IntPtr obj, IntPtr message)
    {
        try
        {
            if (From(obj) is not { } self) return;
            byte* m = (byte*)message;
            IntPtr topicPtr = *(IntPtr*)(m + IntPtr.Size);
            IntPtr payloadPtr = *(IntPtr*)(m + 2 * IntPtr.Size);
            int length = *(int*)(m + 3 * IntPtr.Size);
            int qos = *(int*)(m + 3 * IntPtr.Size + 4);
            bool retain = *(m + 3 * IntPtr.Size + 8) != 0;
            string topic = Marshal.PtrToStringUTF8(topicPtr) ?? "";
            byte[] payload = length == 0 ? [] : new ReadOnlySpan<byte>((void*)payloadPtr, length).ToArray();
            self._messages.Writer.TryWrite(new MqttMessage(topic, payload, qos == 0 ? MqttQos.AtMostOnce : MqttQos.AtLeastOnce, retain));
        }
        catch (Exception)
        {
        }
    }

    private void Check(int rc, string what)
    {
        if (rc != MosquittoNative.Success)
            throw new MqttException($"libmosquitto could not {what} for {Broker}: {MosquittoNative.Error(rc)}.");
    }

    /// <summary>Disconnects cleanly (so the broker does NOT publish the Will), stops the network thread and frees
    /// the library's handle. Messages queued but not yet sent may be lost: wait for <see cref="Delivered"/> first.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // No new caller gets in now; wait for those already inside the library (each a few microseconds).
        var spin = new SpinWait();
        while (Volatile.Read(ref _callers) != 0) spin.SpinOnce();
        if (_mosq != IntPtr.Zero)
        {
            MosquittoNative.Disconnect(_mosq);
            MosquittoNative.LoopStop(_mosq, 0);
            MosquittoNative.Destroy(_mosq);
            _mosq = IntPtr.Zero;
        }
        if (_self.IsAllocated) _self.Free();
        _messages.Writer.TryComplete();
        _firstConnack.Dispose();
    }
}
