namespace TrpoEdge.Runtime.Mqtt;

/// <summary>TLS for <c>mqtts://</c>: the CA that signed the broker's certificate (a file or a folder), and a
/// client certificate and key when the broker asks for one.</summary>
public sealed record MqttTlsOptions
{
    public string? CaFile { get; init; }
    public string? CaPath { get; init; }
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
    /// <summary>Skip the host-name check of the broker's certificate (test rigs with self-made certificates only).</summary>
    public bool Insecure { get; init; }

    public void Validate()
    {
        if (CaFile is null && CaPath is null)
            throw new ArgumentException("TLS needs the broker's CA: set CaFile (a PEM file) or CaPath (a folder of hashed certificates).");
        if ((CertFile is null) != (KeyFile is null))
            throw new ArgumentException($"A client certificate needs both CertFile and KeyFile; got CertFile={CertFile ?? "none"}, KeyFile={KeyFile ?? "none"}.");
        foreach (string? f in new[] { CaFile, CertFile, KeyFile })
            if (f is not null && !File.Exists(f)) throw new FileNotFoundException($"TLS file {f} does not exist.", f);
    }
}
