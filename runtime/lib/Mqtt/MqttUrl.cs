using System.Globalization;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>Broker URLs: <c>mqtt://[user[:password]@]host[:port]</c> (default port 1883) and
/// <c>mqtts://...?ca=CA.pem[&amp;cert=CLIENT.pem&amp;key=CLIENT.key][&amp;insecure=1]</c> (TLS, default port 8883), so every
/// command's single --mqtt option carries the TLS files too; a <c>tls</c> argument overrides the query.</summary>
public static class MqttUrl
{
    public static MqttClientOptions Parse(string url, string? clientId = null, MqttTlsOptions? tls = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("mqtt" or "mqtts") || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"'{url}' is not a broker URL; write mqtt://HOST:PORT (or mqtts://HOST:PORT for TLS), e.g. mqtt://127.0.0.1:1883.");
        bool secure = uri.Scheme == "mqtts";
        if (secure && tls is null) tls = TlsFromQuery(uri.Query);
        if (secure && tls is null)
            throw new ArgumentException($"'{url}' asks for TLS; also give the broker's CA certificate: mqtts://HOST:PORT?ca=CA.pem (and &cert=FILE&key=FILE for a client certificate).");
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

    private static MqttTlsOptions? TlsFromQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?") return null;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(kv[0]);
            if (key is not ("ca" or "capath" or "cert" or "key" or "insecure"))
                throw new ArgumentException($"Unknown broker URL parameter '{key}'; known: ca, capath, cert, key, insecure.");
            values[key] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "1";
        }
        if (values.Count == 0) return null;
        return new MqttTlsOptions
        {
            CaFile = values.GetValueOrDefault("ca"),
            CaPath = values.GetValueOrDefault("capath"),
            CertFile = values.GetValueOrDefault("cert"),
            KeyFile = values.GetValueOrDefault("key"),
            Insecure = values.GetValueOrDefault("insecure") is "1" or "true",
        };
    }

    /// <summary>The URL without its password, for logs.</summary>
    public static string Redact(MqttClientOptions o) =>
        $"{(o.Tls is null ? "mqtt" : "mqtts")}://{(o.Username is null ? "" : o.Username + "@")}{o.Host}:{o.Port.ToString(CultureInfo.InvariantCulture)}";
}
