using System.Security.Cryptography;
using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Runtime.Mqtt;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Mqtt.Tests;

/// <summary>Signed policy rollout: what a following runtime accepts and what it refuses, and why.</summary>
public sealed class PolicyRolloutTests : IDisposable
{
    private readonly string _dir = TestFiles.NewTempDir();
    private readonly ECDsa _trusted = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private PolicyModelInfo Running() => ModelContract.Read(File.ReadAllBytes(TestFiles.ExportPolicy(_dir, version: 1, name: "running")));

    private byte[] Model(long version, string env = "Rig:direct-drive", double period = 0.05) =>
        File.ReadAllBytes(TestFiles.ExportPolicy(_dir, envId: env, version: version, seed: (ulong)version + 10, name: $"v{version}-{env.Replace(':', '_')}-{period}", controlPeriod: period));

    private static PolicyRelease Release(byte[] onnx, long version, string env = "Rig:direct-drive") => new()
    {
        EnvId = env,
        PolicyVersion = version,
        Onnx = ByteString.CopyFrom(onnx),
        OnnxSha256 = Convert.ToHexStringLower(SHA256.HashData(onnx)),
        Publisher = "test",
    };

    private sealed class NullClient : IMqttClient
    {
        private readonly System.Threading.Channels.Channel<MqttMessage> _c = System.Threading.Channels.Channel.CreateUnbounded<MqttMessage>();
        public string ClientId => "null";
        public bool IsConnected => true;
        public System.Threading.Channels.ChannelReader<MqttMessage> Messages => _c.Reader;
        public long Connects => 1;
        public int Publish(string topic, ReadOnlySpan<byte> payload, MqttQos qos, bool retain = false) => 0;
        public void Subscribe(string filter, MqttQos qos) { }
        public event Action<int>? Delivered { add { } remove { } }
        public event Action<bool>? ConnectionChanged { add { } remove { } }
        public void Dispose() => _c.Writer.TryComplete();
    }

    [Fact]
    public void A_newer_policy_signed_by_the_trusted_key_is_accepted_and_taken_once()
    {
        using var follower = new PolicyFollower(new NullClient(), _trusted, Running());
        byte[] onnx = Model(2);
        Assert.Null(follower.Consider(PolicySigning.Sign(Release(onnx, 2), _trusted).ToByteArray()));
        Assert.True(follower.TryTake(out PolicyUpdate? update));
        Assert.Equal(onnx, update!.Onnx);
        Assert.Equal(2, update.Model.PolicyVersion);
        Assert.False(follower.TryTake(out _));
    }

    [Fact]
    public void Forged_unsigned_tampered_older_and_mismatched_policies_are_refused_each_with_its_reason()
    {
        using var follower = new PolicyFollower(new NullClient(), _trusted, Running());
        byte[] v3 = Model(3);

        Assert.Contains("bad signature", follower.Consider(PolicySigning.Sign(Release(v3, 3), _forger).ToByteArray()));

        var unsigned = new SignedPolicy { Release = Release(v3, 3).ToByteString() };
        Assert.Contains("unsigned", follower.Consider(unsigned.ToByteArray()));

        // Signed by the trusted key, then one byte of the model changed in transit.
        SignedPolicy tampered = PolicySigning.Sign(Release(v3, 3), _trusted);
        byte[] raw = tampered.Release.ToByteArray();
        raw[raw.Length / 2] ^= 0x01;
        tampered.Release = ByteString.CopyFrom(raw);
        Assert.Contains("bad signature", follower.Consider(tampered.ToByteArray()));

        // The trusted key signed a release whose hash does not describe its bytes.
        PolicyRelease lying = Release(v3, 3);
        lying.OnnxSha256 = new string('0', 64);
        Assert.Contains("SHA-256", follower.Consider(PolicySigning.Sign(lying, _trusted).ToByteArray()));

        Assert.Contains("not newer than 1", follower.Consider(PolicySigning.Sign(Release(Model(1), 1), _trusted).ToByteArray()));
        Assert.Contains("this runtime runs Rig:direct-drive", follower.Consider(PolicySigning.Sign(Release(Model(4, "Pendulum-v1"), 4, "Pendulum-v1"), _trusted).ToByteArray()));
        Assert.Contains("control period", follower.Consider(PolicySigning.Sign(Release(Model(5, period: 0.02), 5), _trusted).ToByteArray()));
        Assert.Contains("policy version 6", follower.Consider(PolicySigning.Sign(Release(Model(6), 7), _trusted).ToByteArray()));
        Assert.Contains("not a SignedPolicy", follower.Consider([0xFF, 0xFF, 0xFF]));

        Assert.False(follower.TryTake(out _));
        Assert.Equal(9, follower.Refusals.Count);
    }

    [Fact]
    public void A_policy_published_through_the_broker_reaches_a_following_runtime_and_a_forged_one_does_not()
    {
        using var broker = MosquittoBroker.Start();
        using var followerClient = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "runtime-policy"));
        using var follower = new PolicyFollower(followerClient, _trusted, Running());
        using (var forgerClient = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "forger")))
            PolicyPublisher.Publish(forgerClient, Model(9), _forger, "mallory", TimeSpan.FromSeconds(5));
        using (var trainer = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "trainer")))
            PolicyPublisher.Publish(trainer, Model(2), _trusted, "trainer", TimeSpan.FromSeconds(5));

        PolicyUpdate? update = null;
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!follower.TryTake(out update) && DateTime.UtcNow < until) Thread.Sleep(20);
        Assert.NotNull(update);
        Assert.Equal(2, update!.Release.PolicyVersion);
        Assert.Contains(follower.Refusals, r => r.Contains("bad signature"));
    }

    [Fact]
    public void A_user_the_brokers_acl_restricts_cannot_publish_a_policy()
    {
        var users = new Dictionary<string, string> { ["trainer"] = "t-secret", ["rig"] = "r-secret" };
        const string acl = """
            user trainer
            topic readwrite trpoedge/policy/#

            user rig
            topic read trpoedge/policy/#
            topic readwrite trpoedge/rig/#
            """;
        using var broker = MosquittoBroker.Start(users, acl);
        string Url(string user) => $"mqtt://{user}:{users[user]}@127.0.0.1:{broker.Port}";
        using var followerClient = MqttNetClient.Connect(MqttUrl.Parse(Url("rig"), "rig-follower"));
        using var follower = new PolicyFollower(followerClient, _trusted, Running());

        // Even with the trusted key in hand, the rig's broker account may not publish policies.
        using (var rig = MqttNetClient.Connect(MqttUrl.Parse(Url("rig"), "rig-publisher")))
        {
            var e = Assert.Throws<MqttException>(() => PolicyPublisher.Publish(rig, Model(5), _trusted, "rig", TimeSpan.FromSeconds(1)));
            Assert.Contains("ACL", e.Message);
        }
        Thread.Sleep(300);
        Assert.False(follower.TryTake(out _));
        Assert.Empty(follower.Refusals); // nothing reached it at all

        using (var trainer = MqttNetClient.Connect(MqttUrl.Parse(Url("trainer"), "trainer")))
            PolicyPublisher.Publish(trainer, Model(6), _trusted, "trainer", TimeSpan.FromSeconds(5));
        PolicyUpdate? update = null;
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!follower.TryTake(out update) && DateTime.UtcNow < until) Thread.Sleep(20);
        Assert.Equal(6, update!.Release.PolicyVersion);
    }

    [Fact]
    public void Keygen_writes_a_pair_that_signs_and_verifies_and_refuses_to_overwrite()
    {
        string priv = Path.Combine(_dir, "k.pem"), pub = Path.Combine(_dir, "k.pub.pem");
        string id = PolicySigning.GenerateKeyPair(priv, pub);
        using ECDsa signer = PolicySigning.LoadPrivateKey(priv);
        using ECDsa verifier = PolicySigning.LoadPublicKey(pub);
        Assert.Equal(id, PolicySigning.KeyId(verifier));
        SignedPolicy s = PolicySigning.Sign(Release([1, 2, 3], 1), signer);
        Assert.True(PolicySigning.Verify(s, verifier));
        Assert.False(PolicySigning.Verify(s, _trusted));
        Assert.Throws<IOException>(() => PolicySigning.GenerateKeyPair(priv, pub));
        Assert.Contains("PRIVATE", Assert.Throws<ArgumentException>(() => PolicySigning.LoadPublicKey(priv)).Message);
    }

    public void Dispose()
    {
        _trusted.Dispose();
        _forger.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
