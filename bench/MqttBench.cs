using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Mqtt;
using TrpoEdge.Trainer.Collection;

namespace TrpoEdge.Bench;

/// <summary><c>bench mqtt [round-trips] [batches]</c>, against a mosquitto broker it starts on a free 127.0.0.1 port:
/// (1) the state→action round trip through the broker as the runtime sees it (<see cref="MqttPlant.Step"/> against an
/// echoing rig: ACTION published, STATE back), p50/p99 and managed bytes per trip, against the bare broker ping-pong of two
/// clients measured in the same run; (2) trajectory throughput: steps stored per second by the collector from batches of 2048
/// Pendulum-size steps published at QoS 1, against <see cref="TrajectoryBatchImporter"/> fed the same batches directly.</summary>
public static class MqttBench
{
    public static int Run(string[] args)
    {
        int trips = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
        int batches = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-mqtt-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        int port = FreePort();
        File.WriteAllText(Path.Combine(dir, "m.conf"), $"listener {port} 127.0.0.1\nallow_anonymous true\n");
        using var broker = Process.Start(new ProcessStartInfo("/usr/sbin/mosquitto", ["-c", Path.Combine(dir, "m.conf")])
        { UseShellExecute = false, RedirectStandardError = true })
            ?? throw new InvalidOperationException("could not start /usr/sbin/mosquitto (Debian package mosquitto)");
        try
        {
            WaitForPort(port);
            string url = $"mqtt://127.0.0.1:{port}";
            Console.WriteLine($"mqtt bench: mosquitto on 127.0.0.1:{port}, {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}");
            RoundTrips(url, trips);
            Throughput(url, dir, batches);
            return 0;
        }
        finally
        {
            broker.Kill();
            broker.WaitForExit(5000);
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static void RoundTrips(string url, int trips)
    {
        // Every client in the list is measured in one run, interleaved (a, b, a, b) and the faster of each pair kept, so
        // load that changes during the run hurts none more than another. The libmosquitto binding this replaced was
        // measured here side by side before it was deleted (README, "Throughput").
        var clients = new (string Name, Func<MqttClientOptions, IMqttClient> Connect)[]
        {
            ("MQTTnet 5.2 (managed)", o => MqttNetClient.Connect(o)),
        };
        var bare = new (LatencyHistogram H, double Bytes)[clients.Length];
        var plant = new (LatencyHistogram H, double Bytes)[clients.Length];
        for (int round = 0; round < 2; round++)
        {
            for (int c = 0; c < clients.Length; c++)
            {
                var b = PingPong(url, trips, clients[c].Connect);
                if (round == 0 || b.H.Percentile(0.5) < bare[c].H.Percentile(0.5)) bare[c] = b;
                var p = PlantTrips(url, trips, clients[c].Connect);
                if (round == 0 || p.H.Percentile(0.5) < plant[c].H.Percentile(0.5)) plant[c] = p;
            }
        }

        Console.WriteLine();
        Console.WriteLine($"round trips through the broker, {trips} after 200 warm-up (µs; bytes: managed bytes allocated per trip, process-wide, both ends and the clients' threads); the faster of two runs each");
        Console.WriteLine($"{"case",-64} {"p50",8} {"p99",8} {"bytes",8} {"p50 vs first",13}");
        for (int c = 0; c < clients.Length; c++)
            Print($"ping-pong, 16 B, QoS 0: {clients[c].Name}", bare[c].H, bare[c].Bytes, bare[0].H);
        for (int c = 0; c < clients.Length; c++)
            Print($"MqttPlant.Step (ACTION → echo rig → STATE): {clients[c].Name}", plant[c].H, plant[c].Bytes, plant[0].H);
    }

    /// <summary>Two bare clients, 16-byte payloads, QoS 0: the broker's own loopback round trip.</summary>
    private static (LatencyHistogram H, double Bytes) PingPong(string url, int trips, Func<MqttClientOptions, IMqttClient> connect)
    {
        var bare = new LatencyHistogram();
        double bytes;
        using (var a = connect(MqttUrl.Parse(url, "bench-ping-" + Guid.NewGuid().ToString("N")[..6])))
        using (var b = connect(MqttUrl.Parse(url, "bench-pong-" + Guid.NewGuid().ToString("N")[..6])))
        {
            a.Subscribe("bench/pong", MqttQos.AtMostOnce);
            b.Subscribe("bench/ping", MqttQos.AtMostOnce);
            Thread.Sleep(200);
            var echo = new Thread(() =>
            {
                try
                {
                    while (b.Messages.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                        while (b.Messages.TryRead(out MqttMessage? m)) b.Publish("bench/pong", m.Payload, MqttQos.AtMostOnce);
                }
                catch (Exception e) when (e is ObjectDisposedException or MqttException) { }
            }) { IsBackground = true };
            echo.Start();
            byte[] payload = new byte[16];
            long bytes0 = 0;
            for (int i = 0; i < trips + 200; i++)
            {
                if (i == 200) bytes0 = GC.GetTotalAllocatedBytes(true);
                long t0 = Stopwatch.GetTimestamp();
                a.Publish("bench/ping", payload, MqttQos.AtMostOnce);
                a.Messages.ReadAsync().AsTask().GetAwaiter().GetResult();
                if (i >= 200) bare.Record((long)Stopwatch.GetElapsedTime(t0).TotalNanoseconds);
            }
            bytes = (GC.GetTotalAllocatedBytes(true) - bytes0) / (double)trips;
        }
        return (bare, bytes);
    }

    private static (LatencyHistogram H, double Bytes) PlantTrips(string url, int trips, Func<MqttClientOptions, IMqttClient> connect)
    {
        // The runtime's view: MqttPlant.Step against a rig that answers every ACTION at once (lockstep).
        string id = "bench-rig-" + Guid.NewGuid().ToString("N")[..6];
        using var rigClient = connect(MqttUrl.Parse(url, id));
        using var cts = new CancellationTokenSource();
        var rig = new Thread(() => EchoRig(rigClient, id, cts.Token)) { IsBackground = true };
        rig.Start();
        using var hostClient = connect(MqttUrl.Parse(url, id + "-host"));
        using var plant = new MqttPlant(hostClient, id);
        float[] obs = new float[3], act = [0.5f];
        plant.Reset(1, obs);
        for (int i = 0; i < 200; i++) plant.Step(act, obs);
        plant.RoundTrip.Clear();
        long bytes0 = GC.GetTotalAllocatedBytes(true);
        for (int i = 0; i < trips; i++) plant.Step(act, obs);
        double bytes = (GC.GetTotalAllocatedBytes(true) - bytes0) / (double)trips;
        cts.Cancel();
        return (plant.RoundTrip, bytes);
    }

    private static void Print(string name, LatencyHistogram h, double bytes, LatencyHistogram baseline) =>
        Console.WriteLine($"{name,-64} {h.Percentile(0.5) / 1e3,8:F1} {h.Percentile(0.99) / 1e3,8:F1} {bytes,8:F0} {h.Percentile(0.5) / baseline.Percentile(0.5),12:F2}x");

    /// <summary>A rig reduced to the protocol: HANDSHAKE on HELLO, one STATE per ACTION, at once.</summary>
    private static void EchoRig(IMqttClient client, string id, CancellationToken cancel)
    {
        client.Subscribe(MqttTopics.RigAction(id), MqttQos.AtMostOnce);
        string stateTopic = MqttTopics.RigState(id);
        var handshake = new RigHandshake { ProtocolVersion = 1, RigId = id, ObsDim = 3, ActDim = 1, ControlPeriodUs = 50_000, WatchdogMs = 200, AngleLimit = float.PositiveInfinity, VelocityLimit = float.PositiveInfinity };
        handshake.ActionLow.Add(-1);
        handshake.ActionHigh.Add(1);
        uint seq = 0, session = 0;
        try
        {
            while (client.Messages.WaitToReadAsync(cancel).AsTask().GetAwaiter().GetResult())
            {
                while (client.Messages.TryRead(out MqttMessage? m))
                {
                    RigDownlink down = RigDownlink.Parser.ParseFrom(m.Payload);
                    RigUplink? up = null;
                    if (down.BodyCase == RigDownlink.BodyOneofCase.Hello)
                    {
                        session = down.Hello.Session;
                        seq = 0;
                        client.Publish(stateTopic, new RigUplink { Seq = seq++, Session = session, Handshake = handshake }.ToByteArray(), MqttQos.AtMostOnce);
                        up = new RigUplink { State = new RigState { AckSeq = down.Seq } };
                    }
                    else if (down.BodyCase == RigDownlink.BodyOneofCase.Action)
                    {
                        up = new RigUplink { State = new RigState { AckSeq = down.Seq, Reward = -1 } };
                    }
                    if (up is null) continue;
                    up.Seq = seq++;
                    up.Session = session;
                    up.State.Observation.Add([1, 0, 0]);
                    client.Publish(stateTopic, up.ToByteArray(), MqttQos.AtMostOnce);
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (AggregateException) { }
    }

    private static void Throughput(string url, string dir, int batches)
    {
        const int stepsPerBatch = 2048;
        var obsSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]);
        var actSpace = SpaceSpec.Box([-2], [2]);
        var payloads = new List<byte[]>();
        var parsed = new List<TrajectoryBatch>();
        var rng = new Random(1);
        for (int b = 0; b < batches; b++)
        {
            var batch = new TrajectoryBatch
            {
                RuntimeId = "bench", RunKey = "bench:1:0", Seq = (ulong)b, BatchId = $"bench:1:0/{b}",
                Run = new RunDescription { EnvId = "Pendulum-v1", ObservationSpace = obsSpace.ToJson(), ActionSpace = actSpace.ToJson(), Program = "bench" },
            };
            var chunk = new EpisodeChunk { IndexInRun = (uint)b, FirstT = 0, EndsEpisode = true, Truncated = true };
            for (int t = 0; t < stepsPerBatch; t++)
            {
                chunk.Observations.Add([(float)rng.NextDouble(), (float)rng.NextDouble(), (float)rng.NextDouble()]);
                chunk.Actions.Add((float)rng.NextDouble());
                chunk.Rewards.Add(-rng.NextDouble());
                chunk.LogProbs.Add(-1.0);
                chunk.PolicyVersions.Add(1);
                chunk.TimestampsNs.Add(t);
            }
            chunk.FinalObservation.Add([0, 0, 0]);
            batch.Chunks.Add(chunk);
            payloads.Add(batch.ToByteArray());
            parsed.Add(batch);
        }
        long total = (long)batches * stepsPerBatch;

        // Warm-up (JIT, SQLite's first statements) on another file, so neither case pays it.
        using (var warm = TrajectoryBatchImporter.Open(Path.Combine(dir, "warm.db")))
            foreach (TrajectoryBatch b in parsed.Take(5)) warm.Import(b);
        // Timed: the imports only; opening and closing (a WAL checkpoint) are outside both measurements.
        double Direct(string file)
        {
            using var importer = TrajectoryBatchImporter.Open(Path.Combine(dir, file));
            var timer = Stopwatch.StartNew();
            foreach (TrajectoryBatch b in parsed) importer.Import(b);
            return total / timer.Elapsed.TotalSeconds;
        }
        double direct = Direct("direct.db");
        var sw = new Stopwatch();

        using var collectorClient = MqttNetClient.Connect(MqttUrl.Parse(url, "bench-collector"));
        using var collector = new TrajectoryCollector(collectorClient, Path.Combine(dir, "collected.db"));
        using var stop = new CancellationTokenSource();
        Task collecting = Task.Run(() => collector.RunAsync(stop.Token));
        using var publisher = MqttNetClient.Connect(MqttUrl.Parse(url, "bench-publisher"));
        Thread.Sleep(200);
        sw.Restart();
        foreach (byte[] p in payloads) publisher.Publish(MqttTopics.Trajectories("bench"), p, MqttQos.AtLeastOnce);
        while (collector.Stats.StepsStored < total && sw.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(1);
        double viaBroker = collector.Stats.StepsStored / sw.Elapsed.TotalSeconds;
        stop.Cancel();
        collecting.GetAwaiter().GetResult();

        direct = Math.Max(direct, Direct("direct-again.db")); // the better of a run before and one after
        Console.WriteLine();
        Console.WriteLine($"trajectory throughput: {batches} batches x {stepsPerBatch} steps ({payloads[0].Length / 1024.0:F0} KiB each); baseline: the faster of two runs, before and after");
        Console.WriteLine($"{"case",-58} {"steps/s",12} {"vs baseline",12}");
        Console.WriteLine($"{"baseline: TrajectoryBatchImporter.Import, no broker",-58} {direct,12:N0} {1.0,11:F2}x");
        Console.WriteLine($"{"publish QoS 1 → mosquitto → collector (import + ack)",-58} {viaBroker,12:N0} {viaBroker / direct,11:F2}x");
        if (collector.Stats.StepsStored != total) Console.WriteLine($"(only {collector.Stats.StepsStored} of {total} steps stored within 2 minutes)");
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static void WaitForPort(int port)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(20);
            }
        }
        throw new TimeoutException($"mosquitto did not listen on 127.0.0.1:{port}.");
    }
}
