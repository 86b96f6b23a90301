using System.Security.Cryptography.X509Certificates;
using System.Net.Security;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary><see cref="IMqttClient"/> over MQTTnet 5 (managed, so a runtime needs no native MQTT library). MQTTnet's
/// client does not reconnect by itself: when the connection drops, a task of this class reconnects with exponential
/// backoff bounded by <see cref="MqttClientOptions.ReconnectDelayMax"/> and subscribes again to every filter, so
/// callers see a connection that comes back. Received messages are copied out of MQTTnet's buffers into a
/// <see cref="Channel{T}"/>, so its receive loop never waits for the consumer.</summary>
public sealed class MqttNetClient : IMqttClient
{
    private readonly MqttClientOptions _options;
    private readonly MQTTnet.IMqttClient _client;
    private readonly MQTTnet.MqttClientOptions _netOptions;
    private readonly Channel<MqttMessage> _messages = Channel.CreateUnbounded<MqttMessage>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });
    private readonly List<(string Filter, MqttQos Qos)> _subscriptions = [];
    private readonly object _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private bool _subscribed; // every filter in _subscriptions is subscribed on the current connection
    private int _reconnecting, _disposed, _nextId;
    private long _connects;

    /// <summary>MQTTnet reads every connection on the thread pool, while this seam's callers (the control loop, the
    /// publishers) block their own threads waiting for a STATE or a write. The pool adds threads slowly — about one per
    /// half second once its minimum is in use — so on a loaded two-core machine a few blocked pool threads delayed STATEs
    /// by hundreds of milliseconds, past the rig's watchdog. A higher minimum lets the receive loops run at once.</summary>
    internal const int MinPoolThreads = 32;

    static MqttNetClient() => EnsurePoolThreads();

    internal static void EnsurePoolThreads()
    {
        ThreadPool.GetMinThreads(out int worker, out int io);
        if (worker < MinPoolThreads || io < MinPoolThreads) ThreadPool.SetMinThreads(Math.Max(worker, MinPoolThreads), Math.Max(io, MinPoolThreads));
    }

    private MqttNetClient(MqttClientOptions options)
    {
        _options = options;
        _client = new MqttClientFactory(new MqttNetNullLogger(), new TcpOnlyAdapterFactory()).CreateMqttClient();
        _netOptions = BuildOptions(options);
        _client.ApplicationMessageReceivedAsync += e =>
        {
            MqttApplicationMessage m = e.ApplicationMessage;
            byte[] payload = m.Payload.IsEmpty ? [] : System.Buffers.BuffersExtensions.ToArray(m.Payload);
            _messages.Writer.TryWrite(new MqttMessage(m.Topic, payload,
                m.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce ? MqttQos.AtMostOnce : MqttQos.AtLeastOnce, m.Retain));
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += e =>
        {
            lock (_gate) _subscribed = false;
            if (e.ClientWasConnected) ConnectionChanged?.Invoke(false);
            if (Volatile.Read(ref _disposed) == 0 && Volatile.Read(ref _connects) > 0) StartReconnecting();
            return Task.CompletedTask;
        };
    }

    /// <summary>Connects and waits for the broker's CONNACK (up to <see cref="MqttClientOptions.ConnectTimeout"/>).
    /// Throws <see cref="MqttException"/> naming the broker when it refuses (bad credentials, ...) or cannot be reached.
    /// Once connected, a lost connection is re-established in the background.</summary>
    public static MqttNetClient Connect(MqttClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var client = new MqttNetClient(options);
        try
        {
            client.FirstConnect();
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public string ClientId => _options.ClientId;
    public bool IsConnected => _client.IsConnected;
    public ChannelReader<MqttMessage> Messages => _messages.Reader;
    public long Connects => Interlocked.Read(ref _connects);
    public string Broker => MqttUrl.Redact(_options);

    public event Action<int>? Delivered;
    public event Action<bool>? ConnectionChanged;

    private static MQTTnet.MqttClientOptions BuildOptions(MqttClientOptions o)
    {
        var b = new MqttClientOptionsBuilder()
            .WithTcpServer(o.Host, o.Port)
            .WithClientId(o.ClientId)
            .WithCleanSession(o.CleanSession)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(o.KeepAliveSeconds))
            .WithTimeout(o.ConnectTimeout)
            // MQTT 3.1.1: PROTOCOL.md's semantics (an ACL-dropped publish is still PUBACKed) are written for it.
            .WithProtocolVersion(MqttProtocolVersion.V311);
        if (o.Username is not null) b = b.WithCredentials(o.Username, o.Password ?? "");
        if (o.Will is { } will)
        {
            b = b.WithWillTopic(will.Topic).WithWillPayload(will.Payload).WithWillRetain(will.Retain)
                .WithWillQualityOfServiceLevel(will.Qos == MqttQos.AtMostOnce ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce);
        }
        if (o.Tls is { } tls) b = b.WithTlsOptions(Tls(tls, o.Host));
        return b.Build();
    }

    /// <summary>TLS with the given CA as the only trust anchor (not the system store: a lab broker's self-made CA is the
    /// point), the broker's name checked against its certificate unless <see cref="MqttTlsOptions.Insecure"/>.</summary>
    private static MqttClientTlsOptions Tls(MqttTlsOptions tls, string host)
    {
        var anchors = new X509Certificate2Collection();
        if (tls.CaFile is not null) anchors.ImportFromPemFile(tls.CaFile);
        if (tls.CaPath is not null)
            foreach (string f in Directory.EnumerateFiles(tls.CaPath).Where(f => f.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)))
                anchors.ImportFromPemFile(f);
        if (anchors.Count == 0)
            throw new MqttException($"No CA certificate found in {tls.CaFile ?? tls.CaPath}; give the PEM file of the CA that signed the broker's certificate.");
        var b = new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost(host)
            .WithCertificateValidationHandler(e => Validate(e.Certificate, e.SslPolicyErrors, anchors, tls.Insecure));
        if (tls.CertFile is not null)
            b = b.WithClientCertificates([X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile)]);
        return b.Build();
    }

    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection anchors, bool insecure)
    {
        if (certificate is null) return false;
        if (!insecure && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var cert = new X509Certificate2(certificate);
        return chain.Build(cert);
    }

    private void FirstConnect()
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout);
        MqttClientConnectResult result;
        try
        {
            result = _client.ConnectAsync(_netOptions, timeout.Token).GetAwaiter().GetResult();
        }
        catch (MqttConnectingFailedException e)
        {
            throw Refused(e.Message, e);
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or System.Net.Sockets.SocketException or IOException)
        {
            throw new MqttException($"No answer from the MQTT broker {Broker} within {_options.ConnectTimeout.TotalSeconds:G3} s ({e.GetBaseException().Message}). " +
                "Check that the broker runs (e.g. `mosquitto -p PORT`) and that host and port are right.", e);
        }
        if (result.ResultCode != MqttClientConnectResultCode.Success) throw Refused(result.ResultCode.ToString(), null);
        OnConnectedAsync().GetAwaiter().GetResult(); // the caller's own thread: Connect returns subscribed
    }

    private MqttException Refused(string why, Exception? inner)
    {
        string hint = why.Contains("UserNameOrPassword", StringComparison.Ordinal) || why.Contains("NotAuthorized", StringComparison.Ordinal)
            ? " Check the username and password (and the broker's password_file / acl_file)." : "";
        return new MqttException($"The MQTT broker {Broker} refused the connection of \"{_options.ClientId}\": {why.TrimEnd('.')}.{hint}", inner);
    }

    /// <summary>After every CONNACK: subscribe to everything asked for so far, then tell listeners. Awaited, never
    /// blocked on, from the reconnect task: the SUBACK is read by MQTTnet's receive loop on the thread pool, and a pool
    /// thread blocked waiting for it can starve that loop on a small machine.</summary>
    private async Task OnConnectedAsync()
    {
        List<(string, MqttQos)> all;
        lock (_gate)
        {
            all = [.. _subscriptions];
            _subscribed = true;
        }
        foreach ((string filter, MqttQos qos) in all) await SubscribeNowAsync(filter, qos).ConfigureAwait(false);
        Interlocked.Increment(ref _connects);
        ConnectionChanged?.Invoke(true);
    }

    private void StartReconnecting()
    {
        if (Interlocked.Exchange(ref _reconnecting, 1) != 0) return;
        _ = Task.Run(async () =>
        {
            TimeSpan delay = _options.ReconnectDelay;
            try
            {
                while (Volatile.Read(ref _disposed) == 0 && !_client.IsConnected)
                {
                    await Task.Delay(delay, _closing.Token).ConfigureAwait(false);
                    try
                    {
                        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
                        timeout.CancelAfter(_options.ConnectTimeout);
                        MqttClientConnectResult r = await _client.ConnectAsync(_netOptions, timeout.Token).ConfigureAwait(false);
                        if (r.ResultCode == MqttClientConnectResultCode.Success)
                        {
                            Volatile.Write(ref _reconnecting, 0);
                            await OnConnectedAsync().ConfigureAwait(false);
                            return;
                        }
                    }
                    catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or System.Net.Sockets.SocketException
                        or IOException or InvalidOperationException)
                    {
                        // the broker is still away (or refuses): try again after a longer pause
                    }
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectDelayMax.Ticks));
                }
            }
            catch (OperationCanceledException)
            {
            }
            Volatile.Write(ref _reconnecting, 0);
        });
    }

    public int Publish(string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retain = false)
    {
        MqttTopics.CheckPublishTopic(topic);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_client.IsConnected)
            throw new MqttException($"Publishing {payload.Length} bytes on {topic} to {Broker} failed: not connected (reconnecting in the background).");
        var message = new MqttApplicationMessage
        {
            Topic = topic,
            PayloadSegment = payload.ToArray(),
            QualityOfServiceLevel = qos == MqttQos.AtMostOnce ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce,
            Retain = retain,
        };
        int id = Interlocked.Increment(ref _nextId);
        Task<MqttClientPublishResult> sent;
        try
        {
            sent = _client.PublishAsync(message, _closing.Token);
        }
        catch (Exception e) when (e is MqttCommunicationException or InvalidOperationException or OperationCanceledException)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            throw new MqttException($"Publishing {payload.Length} bytes on {topic} to {Broker} failed: {e.Message}", e);
        }
        if (qos == MqttQos.AtMostOnce)
        {
            // QoS 0 completes when the packet is written: wait, so a broken connection shows here, to the caller.
            try
            {
                sent.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException or IOException)
            {
                // Dispose on another thread cancels what is in flight: say so as the disposed object would.
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                throw new MqttException($"Publishing {payload.Length} bytes on {topic} to {Broker} failed: {e.Message}", e);
            }
            Delivered?.Invoke(id);
            return id;
        }
        // QoS 1 completes on PUBACK; the caller does not wait for it (Delivered says when).
        sent.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully && t.Result.IsSuccess) Delivered?.Invoke(id);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return id;
    }

    public void Subscribe(string filter, MqttQos qos)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        bool now;
        lock (_gate)
        {
            _subscriptions.Add((filter, qos));
            now = _subscribed;
        }
        if (now) SubscribeNow(filter, qos); // else the next connect subscribes it
    }

    // Waits for the SUBACK: a message published after Subscribe returns reaches this client.
    private void SubscribeNow(string filter, MqttQos qos) => SubscribeNowAsync(filter, qos).GetAwaiter().GetResult();

    private async Task SubscribeNowAsync(string filter, MqttQos qos)
    {
        var options = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(filter, qos == MqttQos.AtMostOnce ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            await _client.SubscribeAsync(options, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection dropped (or the client closed) meanwhile: the reconnect subscribes again.
        }
    }

    /// <summary>Disconnects cleanly (so the broker does NOT publish the Will) and stops reconnecting. QoS 1 messages
    /// not yet acknowledged may be lost: wait for <see cref="Delivered"/> first.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
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
            // already gone
        }
        _client.Dispose();
        _messages.Writer.TryComplete();
        _closing.Dispose();
    }
}
