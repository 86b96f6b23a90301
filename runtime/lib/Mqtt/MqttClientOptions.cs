namespace TrpoEdge.Runtime.Mqtt;

/// <summary>How <see cref="MosquittoClient"/> connects. Build one from a URL with <see cref="MqttUrl.Parse"/>.</summary>
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
    /// <summary>Reconnect backoff in whole seconds (libmosquitto's unit): the first delay, growing exponentially
    /// up to the maximum (mosquitto_reconnect_delay_set).</summary>
    public int ReconnectDelaySeconds { get; init; } = 1;
    public int ReconnectDelayMaxSeconds { get; init; } = 8;
    /// <summary>How long <see cref="MosquittoClient.Connect"/> waits for the broker's first CONNACK.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("The MQTT broker host is empty; use mqtt://HOST:PORT.");
        if (Port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "The broker port must be 1..65535.");
        if (string.IsNullOrEmpty(ClientId) || ClientId.Length > 128)
            throw new ArgumentException($"The client id \"{ClientId}\" must be 1..128 characters.");
        if (KeepAliveSeconds is < 5 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(KeepAliveSeconds), KeepAliveSeconds, "Keepalive must be 5..65535 s (libmosquitto refuses less than 5).");
        if (Password is not null && Username is null) throw new ArgumentException("A password needs a username.");
        if (ReconnectDelaySeconds < 1 || ReconnectDelayMaxSeconds < ReconnectDelaySeconds)
            throw new ArgumentOutOfRangeException(nameof(ReconnectDelaySeconds), ReconnectDelaySeconds, $"Need 1 <= ReconnectDelaySeconds <= ReconnectDelayMaxSeconds ({ReconnectDelayMaxSeconds}).");
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "ConnectTimeout must be positive.");
        Tls?.Validate();
        if (Will is { } w) MqttTopics.CheckPublishTopic(w.Topic);
    }
}
