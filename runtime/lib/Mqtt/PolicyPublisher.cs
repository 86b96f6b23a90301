using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>Publishes a policy model as a retained, signed message on trpoedge/policy/ENV (QoS 1), then reads it back
/// from the broker to confirm it is the retained one. The read-back matters: with MQTT 3.1.1 a broker that refuses a
/// publish by ACL still acknowledges it, so a PUBACK alone proves nothing.</summary>
public static class PolicyPublisher
{
    /// <summary>Signs and publishes <paramref name="onnx"/>; returns the release sent. Throws <see cref="MqttException"/>
    /// when the broker did not keep it (an ACL that forbids this user to publish policies, most likely).</summary>
    public static PolicyRelease Publish(IMqttClient client, byte[] onnx, ECDsa key, string publisher, TimeSpan confirmTimeout)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(onnx);
        PolicyModelInfo info = ModelContract.Read(onnx);
        var release = new PolicyRelease
        {
            EnvId = info.EnvId!,
            PolicyVersion = info.PolicyVersion,
            Onnx = ByteString.CopyFrom(onnx),
            OnnxSha256 = info.ModelSha256,
            CreatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Publisher = publisher,
        };
        SignedPolicy signed = PolicySigning.Sign(release, key);
        byte[] payload = signed.ToByteArray();
        string topic = MqttTopics.Policy(release.EnvId);

        // The PUBACK may come back on the network thread before Publish has returned the message id: remember every
        // id delivered meanwhile and look ours up afterwards.
        var delivered = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        using var signal = new SemaphoreSlim(0);
        void OnDelivered(int m)
        {
            delivered[m] = true;
            signal.Release();
        }
        client.Delivered += OnDelivered;
        try
        {
            int mid = client.Publish(topic, payload, MqttQos.AtLeastOnce, retain: true);
            var waited = Stopwatch.StartNew();
            while (!delivered.ContainsKey(mid))
            {
                TimeSpan left = confirmTimeout - waited.Elapsed;
                if (left <= TimeSpan.Zero || !signal.Wait(left))
                    throw new MqttException($"The broker did not acknowledge the policy on {topic} within {confirmTimeout.TotalSeconds:G3} s: " +
                        $"most likely its ACL forbids this user to publish on {MqttTopics.Root}/policy/# (mosquitto drops such a message), or the connection is down. " +
                        $"Publish as a user the acl_file allows `topic readwrite {MqttTopics.Root}/policy/#`.");
            }
        }
        finally
        {
            client.Delivered -= OnDelivered;
        }

        // Read back the retained message; ours is the one whose signature bytes we just made.
        client.Subscribe(topic, MqttQos.AtLeastOnce);
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < confirmTimeout)
        {
            if (client.Messages.TryRead(out MqttMessage? m))
            {
                if (m.Topic == topic && m.Payload.AsSpan().SequenceEqual(payload)) return release;
                continue;
            }
            Thread.Sleep(5);
        }
        throw new MqttException(
            $"The broker acknowledged the policy but does not hold it as the retained message on {topic}: it was most likely refused by the broker's ACL " +
            $"(this user may not write trpoedge/policy/#, or may not read it back). Publish as a user the acl_file allows `topic readwrite {MqttTopics.Root}/policy/#`.");
    }
}
