using System.Globalization;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>Broker URLs: <c>mqtt://[user[:password]@]host[:port]</c> (default port 1883) and
/// <c>mqtts://...</c> (TLS, default 8883; give the CA with <paramref name="tls"/>).</summary>
public static class MqttUrl
{
    public static MqttClientOptions Parse(string url, string? clientId = null, MqttTlsOptions? tls = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("mqtt" or "mqtts") || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"'{url}' is not a broker URL; write mqtt://HOST:PORT (or mqtts://HOST:PORT for TLS), e.g. mqtt://127.0.0.1:1883.");
        bool secure = uri.Scheme == "mqtts";
        if (secure && tls is null)
            throw new ArgumentException($"'{url}' asks for TLS; also give the broker's CA certificate (--mqtt-ca FILE).");
        string? user = null, password = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) password = Uri.UnescapeDataString(parts[1]);
        }
        var options = new MqttClientOptions
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? (secure ? 8883 : 1883) : uri.Port,
            Username = user,
            Password = password,
            Tls = secure ? tls : null,
        };
        if (clientId is not null) options = options with { ClientId = clientId };
        options.Validate();
        return options;
    }

    /// <summary>The URL without its password, for logs.</summary>
    public static string Redact(MqttClientOptions o) =>
        $"{(o.Tls is null ? "mqtt" : "mqtts")}://{(o.Username is null ? "" : o.Username + "@")}{o.Host}:{o.Port.ToString(CultureInfo.InvariantCulture)}";
}
