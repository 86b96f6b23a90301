using System.Text;
using TrpoEdge.Runtime.Mqtt;

namespace TrpoEdge.Mqtt.Tests;

public sealed class MqttClientTests
{
    internal static async Task<MqttMessage> Next(IMqttClient c, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        return await c.Messages.ReadAsync(cts.Token);
    }

    [Fact]
    public async Task A_message_published_at_qos_1_reaches_a_subscriber_byte_for_byte_and_is_acknowledged()
    {
        using var broker = MosquittoBroker.Start();
        using var sub = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "sub"));
        sub.Subscribe("t/#", MqttQos.AtLeastOnce);
        using var pub = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "pub"));
        var acked = new TaskCompletionSource<int>();
        pub.Delivered += mid => acked.TrySetResult(mid);
        await Task.Delay(200); // the SUBACK
        byte[] payload = [0, 1, 2, 255, 0, 42];
        int mid = pub.Publish("t/x", payload, MqttQos.AtLeastOnce);
        MqttMessage m = await Next(sub);
        Assert.Equal("t/x", m.Topic);
        Assert.Equal(payload, m.Payload);
        Assert.Equal(MqttQos.AtLeastOnce, m.Qos);
        Assert.Equal(mid, await acked.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_retained_message_reaches_a_later_subscriber_marked_retained()
    {
        using var broker = MosquittoBroker.Start();
        using (var pub = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "pub")))
        {
            var acked = new TaskCompletionSource();
            pub.Delivered += _ => acked.TrySetResult();
            pub.Publish("r/1", "hello"u8, MqttQos.AtLeastOnce, retain: true);
            await acked.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        using var sub = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "late"));
        sub.Subscribe("r/1", MqttQos.AtLeastOnce);
        MqttMessage m = await Next(sub);
        Assert.True(m.Retained);
        Assert.Equal("hello", Encoding.UTF8.GetString(m.Payload));
    }

    [Fact]
    public async Task The_will_is_published_when_a_client_vanishes_but_not_after_a_clean_disconnect()
    {
        using var broker = MosquittoBroker.Start();
        using var watcher = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "watcher"));
        watcher.Subscribe("w/#", MqttQos.AtLeastOnce);
        await Task.Delay(200);
        var clean = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "clean") with { Will = new MqttWill("w/clean", "offline"u8.ToArray()) });
        clean.Dispose();
        // A vanished client: a second connection with the same client id takes over, so the broker drops the first
        // without a DISCONNECT from it and publishes its Will (the clean one above published none).
        var victim = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "victim") with { Will = new MqttWill("w/victim", "offline"u8.ToArray()), ReconnectDelay = TimeSpan.FromSeconds(30), ReconnectDelayMax = TimeSpan.FromSeconds(30) });
        using var usurper = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "victim"));
        MqttMessage m = await Next(watcher);
        Assert.Equal("w/victim", m.Topic);
        Assert.Equal("offline", Encoding.UTF8.GetString(m.Payload));
        victim.Dispose();
    }

    [Fact]
    public async Task Subscriptions_come_back_after_the_broker_restarts()
    {
        using var broker = MosquittoBroker.Start();
        using var sub = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "sub"));
        sub.Subscribe("a/b", MqttQos.AtLeastOnce);
        broker.Restart();
        var until = DateTime.UtcNow.AddSeconds(10);
        while (sub.Connects < 2 && DateTime.UtcNow < until) await Task.Delay(50);
        Assert.True(sub.Connects >= 2, "the client reconnected");
        await Task.Delay(200);
        using var pub = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "pub"));
        pub.Publish("a/b", "x"u8, MqttQos.AtLeastOnce);
        Assert.Equal("a/b", (await Next(sub)).Topic);
    }

    /// <summary>Trajectory and status publishers run on their own threads while another thread disposes the client.
    /// Every publish must either go through or raise ObjectDisposedException (what those threads expect at the end),
    /// even one already in flight when Dispose cancels it.</summary>
    [Fact]
    public void Publishing_threads_racing_dispose_get_ObjectDisposedException_never_a_crash()
    {
        using var broker = MosquittoBroker.Start();
        byte[] payload = new byte[256];
        for (int round = 0; round < 10; round++)
        {
            var client = MqttNetClient.Connect(MqttUrl.Parse(broker.Url, "racer-" + round));
            long published = 0;
            var unexpected = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            using var started = new CountdownEvent(2);
            Thread[] threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
            {
                started.Signal();
                try
                {
                    while (true)
                    {
                        client.Publish($"race/{i}", payload, MqttQos.AtMostOnce);
                        Interlocked.Increment(ref published);
                    }
                }
                catch (ObjectDisposedException)
                {
                    // the expected end
                }
                catch (Exception e)
                {
                    unexpected.Enqueue(e);
                }
            })).ToArray();
            foreach (Thread t in threads) t.Start();
            started.Wait();
            while (Interlocked.Read(ref published) < 200) Thread.Yield();
            client.Dispose();
            foreach (Thread t in threads) Assert.True(t.Join(10_000), "a publishing thread did not stop after Dispose");
            Assert.Empty(unexpected);
        }
    }

    [Fact]
    public void A_refused_login_names_the_broker_and_the_reason()
    {
        using var broker = MosquittoBroker.Start(new Dictionary<string, string> { ["alice"] = "secret" });
        var e = Assert.Throws<MqttException>(() => MqttNetClient.Connect(MqttUrl.Parse($"mqtt://alice:wrong@127.0.0.1:{broker.Port}", "x")));
        Assert.Contains("refused", e.Message);
        Assert.Contains($"127.0.0.1:{broker.Port}", e.Message);
        using var ok = MqttNetClient.Connect(MqttUrl.Parse($"mqtt://alice:secret@127.0.0.1:{broker.Port}", "y"));
        Assert.True(ok.IsConnected);
    }

    [Fact]
    public void No_broker_is_a_timeout_that_says_what_to_check()
    {
        var options = MqttUrl.Parse("mqtt://127.0.0.1:1", "nobody") with { ConnectTimeout = TimeSpan.FromMilliseconds(300) };
        var e = Assert.Throws<MqttException>(() => MqttNetClient.Connect(options));
        Assert.Contains("127.0.0.1:1", e.Message);
    }

    [Theory]
    [InlineData("http://x:1")]
    [InlineData("127.0.0.1:1883")]
    [InlineData("mqtt://")]
    public void A_malformed_url_is_refused_with_the_expected_form(string url)
    {
        var e = Assert.Throws<ArgumentException>(() => MqttUrl.Parse(url));
        Assert.Contains("mqtt://HOST:PORT", e.Message);
    }
}
