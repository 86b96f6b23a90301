namespace TrpoEdge.Runtime.Mqtt;

/// <summary>How an <see cref="IMqttClient"/> connects. Build one from a URL with <see cref="MqttUrl.Parse"/>.</summary>
public sealed record MqttClientOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;
    /// <summary>Unique per connection at the broker (a second client with the same id kicks the first off).</summary>
    public string ClientId { get; init; } = "trpoedge-" + Guid.NewGuid().ToString("N")[..12];
    public int KeepAliveSeconds { get; init; } = 10;
    public string? Username { get; init; }
    public string? Password { get; init; }
    public bool CleanSession { get; init; } = true;
    public MqttTlsOptions? Tls { get; init; }
    public MqttWill? Will { get; init; }
    /// <summary>Reconnect backoff: the first pause after a lost connection, doubling after every failed attempt up to
    /// <see cref="ReconnectDelayMax"/>, so a broker restart is noticed within a fraction of a second and a long outage
    /// costs the broker one attempt per maximum delay.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan ReconnectDelayMax { get; init; } = TimeSpan.FromSeconds(4);
    /// <summary>How long connecting waits for the broker's CONNACK.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("The MQTT broker host is empty; use mqtt://HOST:PORT.");
        if (Port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "The broker port must be 1..65535.");
        if (string.IsNullOrEmpty(ClientId) || ClientId.Length > 128)
            throw new ArgumentException($"The client id \"{ClientId}\" must be 1..128 characters.");
        if (KeepAliveSeconds is < 5 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(KeepAliveSeconds), KeepAliveSeconds, "Keepalive must be 5..65535 s (shorter only adds traffic; the control lanes detect silence themselves).");
        if (Password is not null && Username is null) throw new ArgumentException("A password needs a username.");
        if (ReconnectDelay <= TimeSpan.Zero || ReconnectDelayMax < ReconnectDelay)
            throw new ArgumentOutOfRangeException(nameof(ReconnectDelay), ReconnectDelay, $"Need 0 < ReconnectDelay <= ReconnectDelayMax ({ReconnectDelayMax}).");
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "ConnectTimeout must be positive.");
        Tls?.Validate();
        if (Will is { } w) MqttTopics.CheckPublishTopic(w.Topic);
    }
}
