using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>Streams one run of the local trajectory store to the broker as TrajectoryBatch messages (QoS 1) on
/// trpoedge/trajectories/RUNTIME-ID. The local store is the outbox: the control loop logs to it as always (never
/// waiting for the network), and this publisher's own thread reads finished episodes from it and publishes them.
/// Delivery is end to end: a collector answers each stored batch id on trpoedge/trajectories/RUNTIME-ID/ack, and a
/// batch without an answer is published again after <see cref="TrajectoryPublisherOptions.RetryInterval"/> with the
/// same id — across broker restarts and reconnects — while the collector's idempotent import stores it once.</summary>
public sealed class TrajectoryPublisher : IDisposable
{
    private readonly IMqttClient _client;
    private readonly string _runtimeId, _topic, _ackTopic, _storePath, _runKey;
    private readonly long _runId;
    private readonly TrajectoryPublisherOptions _options;
    private readonly Dictionary<string, OutboxEntry> _outbox = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new();
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private RunDescription? _run;
    private int _episodesDone;
    private ulong _seq;
    private bool _finalFlush, _finalDone;
    private long _published, _acked, _republished, _steps, _abandoned;
    private Exception? _fault;

    private sealed class OutboxEntry(byte[] payload, long steps)
    {
        public byte[] Payload { get; } = payload;
        public long Steps { get; } = steps;
        public long LastSent { get; set; }
    }

    /// <param name="client">A connection of the publisher's own (its client id unique at the broker).</param>
    /// <param name="storePath">The store the runtime logs to (<c>runtime --log</c>).</param>
    /// <param name="runId">The run to publish (the writer's <see cref="TrajectoryWriter.RunId"/>).</param>
    public TrajectoryPublisher(IMqttClient client, string runtimeId, string storePath, long runId, TrajectoryPublisherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _options = options ?? new TrajectoryPublisherOptions();
        _options.Validate();
        _client = client;
        _runtimeId = runtimeId;
        _topic = MqttTopics.Trajectories(runtimeId);
        _ackTopic = MqttTopics.TrajectoryAck(runtimeId);
        _storePath = storePath;
        _runId = runId;
        using (TrajectoryReader reader = TrajectoryReader.Open(storePath))
        {
            RunRecord run = reader.Runs.FirstOrDefault(r => r.Id == runId)
                ?? throw new ArgumentException($"Run {runId} is not in {storePath}.", nameof(runId));
            // Unique across runtimes, runs and a store that was deleted and started again (run ids restart at 1).
            _runKey = $"{runtimeId}:{runId.ToString(CultureInfo.InvariantCulture)}:{run.StartedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}";
            _run = Describe(run);
        }
        _client.Subscribe(_ackTopic, MqttQos.AtLeastOnce);
        _thread = new Thread(Loop) { IsBackground = true, Name = "TrpoEdge trajectory publisher" };
        _thread.Start();
    }

    public string RunKey => _runKey;
    public long BatchesPublished => Interlocked.Read(ref _published);
    public long BatchesAcknowledged => Interlocked.Read(ref _acked);
    public long Republished => Interlocked.Read(ref _republished);
    public long StepsPublished => Interlocked.Read(ref _steps);
    public long Abandoned => Interlocked.Read(ref _abandoned);
    public int Outstanding { get { lock (_gate) return _outbox.Count; } }

    /// <summary>Publishes everything left in the run — the open episode too, as it stands (it stays incomplete at
    /// the collector, as in the local store) — and waits until a collector has acknowledged every batch or the
    /// timeout passes. Call after the trajectory writer was disposed. Returns true when nothing is outstanding.</summary>
    public bool Complete(TimeSpan timeout)
    {
        lock (_gate) _finalFlush = true;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (Volatile.Read(ref _fault) is { } f) throw new MqttException($"The trajectory publisher failed: {f.Message}", f);
            lock (_gate)
                if (_finalDone && _outbox.Count == 0) return true;
            Thread.Sleep(10);
        }
        return false;
    }

    private void Loop()
    {
        long pollTicks = (long)(_options.PollInterval.TotalSeconds * Stopwatch.Frequency);
        long retryTicks = (long)(_options.RetryInterval.TotalSeconds * Stopwatch.Frequency);
        long nextPoll = 0;
        try
        {
            using TrajectoryTail tail = TrajectoryTail.Open(_storePath, _runId);
            while (!_stop.IsCancellationRequested)
            {
                while (_client.Messages.TryRead(out MqttMessage? m)) OnAck(m);
                long now = Stopwatch.GetTimestamp();
                bool final;
                lock (_gate) final = _finalFlush && !_finalDone;
                if (now >= nextPoll || final)
                {
                    while (Poll(tail, final) > 0 && final) { } // at the end, everything left, however much
                    nextPoll = now + pollTicks;
                    if (final) lock (_gate) _finalDone = true;
                }
                Resend(now, retryTicks);
                try
                {
                    _client.Messages.WaitToReadAsync(_stop.Token).AsTask().Wait(20);
                }
                catch (AggregateException)
                {
                    break; // stopped, or the client closed
                }
            }
        }
        catch (Exception e)
        {
            Volatile.Write(ref _fault, e);
        }
    }

    private void OnAck(MqttMessage m)
    {
        if (m.Topic != _ackTopic) return;
        TrajectoryAck ack;
        try
        {
            ack = TrajectoryAck.Parser.ParseFrom(m.Payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return;
        }
        lock (_gate)
        {
            foreach (string id in ack.BatchIds)
            {
                if (_outbox.Remove(id))
                {
                    _order.Remove(id);
                    Interlocked.Increment(ref _acked);
                }
            }
        }
    }

    /// <summary>Reads newly finished episodes (and, at the end, the open one) and publishes them in batches. Only
    /// episodes after the last one published are read (<see cref="TrajectoryTail"/>), so a long run costs the same per
    /// poll as a short one.</summary>
    private int Poll(TrajectoryTail tail, bool final)
    {
        int before = _episodesDone;
        var batch = NewBatch();
        long inBatch = 0;
        foreach (EpisodeData e in tail.ReadAfter(_episodesDone - 1, limit: 1024))
        {
            if (e.IndexInRun != _episodesDone)
                throw new InvalidDataException($"Run {_runId} in {_storePath} skips from episode {_episodesDone} to {e.IndexInRun}; the store is damaged.");
            // Still being written unless complete, or abandoned (an end time but status incomplete: see AbandonEpisode).
            if (e.Status != EpisodeStatus.Complete && e.EndedAt is null && !final) break;
            int obs = e.ObservationSize, act = e.ActionSize;
            int t = 0;
            do
            {
                int take = (int)Math.Min(e.Length - t, _options.MaxStepsPerBatch - inBatch);
                bool last = t + take == e.Length;
                var chunk = new EpisodeChunk
                {
                    IndexInRun = (uint)e.IndexInRun,
                    FirstT = (uint)t,
                    EndsEpisode = last && e.Status == EpisodeStatus.Complete,
                    Terminated = e.Terminated,
                    Truncated = e.Truncated,
                    StartedAt = e.StartedAt.ToString("O", CultureInfo.InvariantCulture),
                    EndedAt = e.EndedAt?.ToString("O", CultureInfo.InvariantCulture) ?? "",
                    ActingPolicy = e.Policy is { } p
                        ? new EpisodeActingPolicy { PolicyVersion = p.Version, CheckpointSha256 = p.CheckpointSha256 ?? "", ModelSha256 = p.ModelSha256 ?? "" }
                        : null,
                };
                chunk.Observations.AddRange(e.Observations.AsSpan(t * obs, take * obs).ToArray());
                chunk.Actions.AddRange(e.Actions.AsSpan(t * act, take * act).ToArray());
                chunk.Rewards.AddRange(e.Rewards.AsSpan(t, take).ToArray());
                chunk.LogProbs.AddRange(e.LogProbs.AsSpan(t, take).ToArray());
                chunk.PolicyVersions.AddRange(e.PolicyVersions.AsSpan(t, take).ToArray());
                chunk.TimestampsNs.AddRange(e.TimestampsNs.AsSpan(t, take).ToArray());
                if (chunk.EndsEpisode && e.FinalObservation is { } fin) chunk.FinalObservation.AddRange(fin);
                if (take > 0 || t == 0) batch.Chunks.Add(chunk);
                t += take;
                inBatch += take;
                if (inBatch >= _options.MaxStepsPerBatch)
                {
                    Send(batch, inBatch);
                    batch = NewBatch();
                    inBatch = 0;
                }
            } while (t < e.Length);
            _episodesDone++;
        }
        if (batch.Chunks.Count > 0) Send(batch, inBatch);
        return _episodesDone - before;
    }

    private TrajectoryBatch NewBatch() => new() { RuntimeId = _runtimeId, RunKey = _runKey, Run = _run };

    private void Send(TrajectoryBatch batch, long steps)
    {
        batch.Seq = _seq++;
        batch.BatchId = $"{_runKey}/{batch.Seq.ToString(CultureInfo.InvariantCulture)}";
        var entry = new OutboxEntry(batch.ToByteArray(), steps);
        lock (_gate)
        {
            _outbox[batch.BatchId] = entry;
            _order.AddLast(batch.BatchId);
            while (_outbox.Count > _options.MaxOutstanding && _order.First is { } oldest)
            {
                _outbox.Remove(oldest.Value);
                _order.RemoveFirst();
                Interlocked.Increment(ref _abandoned);
            }
        }
        Interlocked.Add(ref _steps, steps);
        Interlocked.Increment(ref _published);
        TryPublish(entry);
    }

    private void Resend(long now, long retryTicks)
    {
        if (!_client.IsConnected) return;
        List<OutboxEntry> due;
        lock (_gate) due = _outbox.Values.Where(o => now - o.LastSent >= retryTicks).ToList();
        foreach (OutboxEntry o in due)
        {
            if (TryPublish(o)) Interlocked.Increment(ref _republished);
        }
    }

    private bool TryPublish(OutboxEntry o)
    {
        o.LastSent = Stopwatch.GetTimestamp();
        try
        {
            _client.Publish(_topic, o.Payload, MqttQos.AtLeastOnce);
            return true;
        }
        catch (MqttException)
        {
            return false; // not connected: the retry timer publishes it again
        }
    }

    private static RunDescription Describe(RunRecord run) => new()
    {
        EnvId = run.Info.EnvId,
        ObservationSpace = run.Info.ObservationSpace.ToJson(),
        ActionSpace = run.Info.ActionSpace.ToJson(),
        Program = run.Info.Program,
        Host = run.Info.Host,
        ModelSha256 = run.Info.ModelSha256 ?? "",
        CheckpointSha256 = run.Info.CheckpointSha256 ?? "",
        PolicyVersion = run.Info.PolicyVersion,
        Plant = run.Info.Plant ?? "",
        ControlPeriod = run.Info.ControlPeriod ?? 0,
        Notes = run.Info.Notes ?? "",
        StartedAt = run.StartedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(5000);
        _stop.Dispose();
    }
}
