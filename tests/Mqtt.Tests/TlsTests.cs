using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using TrpoEdge.Runtime.Mqtt;

namespace TrpoEdge.Mqtt.Tests;

public sealed class TlsTests
{
    /// <summary>A throw-away CA and a broker certificate for 127.0.0.1 signed by it, as PEM files.</summary>
    private static (string Ca, string Cert, string Key) MakeCertificates(string dir)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=TrpoEdge test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using X509Certificate2 server = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);

        string caPath = Path.Combine(dir, "ca.pem"), certPath = Path.Combine(dir, "server.pem"), keyPath = Path.Combine(dir, "server.key");
        File.WriteAllText(caPath, ca.ExportCertificatePem());
        File.WriteAllText(certPath, server.ExportCertificatePem());
        File.WriteAllText(keyPath, serverKey.ExportECPrivateKeyPem());
        return (caPath, certPath, keyPath);
    }

    [Fact]
    public async Task A_client_given_the_ca_talks_to_a_tls_only_broker_and_one_without_it_cannot()
    {
        string dir = TestFiles.NewTempDir();
        var (ca, cert, key) = MakeCertificates(dir);
        using var broker = MosquittoBroker.Start(tls: (cert, key));
        string url = $"mqtts://127.0.0.1:{broker.Port}";

        using var client = MqttNetClient.Connect(MqttUrl.Parse(url, "tls-client", new MqttTlsOptions { CaFile = ca }));
        client.Subscribe("secure/x", MqttQos.AtLeastOnce);
        await Task.Delay(200);
        client.Publish("secure/x", "over TLS"u8, MqttQos.AtLeastOnce);
        Assert.Equal("secure/x", (await MqttClientTests.Next(client)).Topic);
        // The same through the URL alone, as the command lines take it.
        using (var viaUrl = MqttNetClient.Connect(MqttUrl.Parse($"{url}?ca={Uri.EscapeDataString(ca)}", "tls-url")))
            Assert.True(viaUrl.IsConnected);

        Assert.Contains("CA certificate", Assert.Throws<ArgumentException>(() => MqttUrl.Parse(url)).Message);
        var plain = MqttUrl.Parse($"mqtt://127.0.0.1:{broker.Port}", "plain") with { ConnectTimeout = TimeSpan.FromSeconds(1) };
        Assert.Throws<MqttException>(() => MqttNetClient.Connect(plain));
    }
}
