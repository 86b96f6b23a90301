using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Mqtt;

namespace TrpoEdge.Trainer.Collection;

/// <summary>The trainer's side of fleet data collection (<c>trainer collect</c>): subscribes to every runtime's
/// trajectory batches (trpoedge/trajectories/+, QoS 1), stores each through the idempotent
/// <see cref="TrajectoryBatchImporter"/> and then acknowledges its id to the runtime, which stops re-sending it. A
/// batch delivered twice is stored once and acknowledged again; a malformed one is logged, stored nowhere and not
/// acknowledged.
/// <para>Layering: the trainer reaches the MQTT client (runtime/lib/Mqtt) through its reference to the
/// exporter's library, which references the runtime's (DESIGN.md allows trainer → exporter lib → runtime lib);
/// the batch format and the importer are core contracts.</para></summary>
public sealed class TrajectoryCollector : IDisposable
{
    private readonly IMqttClient _client;
    private readonly TrajectoryBatchImporter _importer;
    private readonly HashSet<string> _runtimes = new(StringComparer.Ordinal);
    private readonly string _collectorId;
    private long _rejected;

    public TrajectoryCollector(IMqttClient client, string storePath, string? collectorId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _collectorId = collectorId ?? client.ClientId;
        _importer = TrajectoryBatchImporter.Open(storePath);
        _client.Subscribe(MqttTopics.AllTrajectories, MqttQos.AtLeastOnce);
    }

    /// <summary>Called (on the collecting thread) with a line for the log: rejected batches, mostly.</summary>
    public Action<string>? Log { get; set; }

    public CollectorStats Stats => new(_importer.BatchesStored, _importer.DuplicatesIgnored, Interlocked.Read(ref _rejected),
        _importer.StepsStored, _runtimes.Count);

    /// <summary>Collects until cancelled (or the client is closed).</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        try
        {
            while (await _client.Messages.WaitToReadAsync(cancel).ConfigureAwait(false))
                while (_client.Messages.TryRead(out MqttMessage? m)) Handle(m);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stores one received message if it is a batch; returns true when it was stored now.</summary>
    public bool Handle(MqttMessage message)
    {
        string? runtime = MqttTopics.RuntimeIdOfTrajectories(message.Topic);
        if (runtime is null) return false;
        TrajectoryBatch batch;
        try
        {
            batch = TrajectoryBatch.Parser.ParseFrom(message.Payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            Reject($"a {message.Payload.Length}-byte message on {message.Topic} is not a TrajectoryBatch ({e.Message})");
            return false;
        }
        if (batch.RuntimeId != runtime)
        {
            Reject($"batch {batch.BatchId} names runtime \"{batch.RuntimeId}\" but came on {message.Topic}; refusing it (a runtime publishes on its own topic)");
            return false;
        }
        bool stored;
        try
        {
            stored = _importer.Import(batch);
        }
        catch (InvalidDataException e)
        {
            Reject(e.Message);
            return false;
        }
        _runtimes.Add(runtime);
        var ack = new TrajectoryAck { CollectorId = _collectorId };
        ack.BatchIds.Add(batch.BatchId);
        try
        {
            _client.Publish(MqttTopics.TrajectoryAck(runtime), ack.ToByteArray(), MqttQos.AtLeastOnce);
        }
        catch (MqttException e)
        {
            // The batch is stored; without the ack the runtime re-sends it and the duplicate is acknowledged then.
            Log?.Invoke($"stored {batch.BatchId} but could not acknowledge it yet: {e.Message}");
        }
        return stored;
    }

    private void Reject(string why)
    {
        Interlocked.Increment(ref _rejected);
        Log?.Invoke("rejected: " + why);
    }

    public void Dispose() => _importer.Dispose();
}
