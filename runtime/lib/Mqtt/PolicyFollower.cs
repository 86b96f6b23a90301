using System.Security.Cryptography;
using Google.Protobuf;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary><c>runtime --follow-policy --trust KEY.pub.pem</c>: listens on trpoedge/policy/ENV (retained, so the
/// newest policy arrives at once on connecting) and keeps the newest one that passes every check, for the runtime to
/// switch to between episodes (<see cref="TryTake"/>). Checks, in order, each refusal logged with its reason:
/// a SignedPolicy at all; signed; signed by the trusted key; the ONNX bytes match their stated SHA-256; for this
/// runtime's env id; newer than the policy running (and than any accepted); the model's own contract (env id,
/// spaces, control period, policy version) matches the running one and the release.</summary>
public sealed class PolicyFollower : IDisposable
{
    private readonly IMqttClient _client;
    private readonly ECDsa _trusted;
    private readonly string _trustedId, _topic;
    private readonly PolicyModelInfo _running;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly List<string> _refusals = [];
    private PolicyUpdate? _pending;
    private long _newestVersion;

    /// <param name="client">A connection of the follower's own.</param>
    /// <param name="running">The contract of the policy running now: the env id followed and the version to beat.</param>
    public PolicyFollower(IMqttClient client, ECDsa trusted, PolicyModelInfo running)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(trusted);
        ArgumentNullException.ThrowIfNull(running);
        _client = client;
        _trusted = trusted;
        _trustedId = PolicySigning.KeyId(trusted);
        _running = running;
        _newestVersion = running.PolicyVersion;
        _topic = MqttTopics.Policy(running.EnvId ?? throw new ArgumentException("The running model states no env id; cannot follow policies for it."));
        _client.Subscribe(_topic, MqttQos.AtLeastOnce);
        _thread = new Thread(Loop) { IsBackground = true, Name = "TrpoEdge policy follower" };
        _thread.Start();
    }

    /// <summary>Called on the follower's thread with each decision ("accepted ..." or "refused ...").</summary>
    public Action<string>? Log { get; set; }

    public IReadOnlyList<string> Refusals { get { lock (_gate) return _refusals.ToList(); } }

    /// <summary>The newest accepted policy not yet taken, if any. Call between episodes.</summary>
    public bool TryTake(out PolicyUpdate? update)
    {
        lock (_gate)
        {
            update = _pending;
            _pending = null;
            return update is not null;
        }
    }

    /// <summary>The runtime could not open an accepted model (ONNX Runtime rejected it): recorded as a refusal.</summary>
    public void ReportUnusable(PolicyUpdate update, string why) => Refuse($"version {update.Release.PolicyVersion}: the runtime could not load it: {why}");

    private void Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (!_client.Messages.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult()) return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            while (_client.Messages.TryRead(out MqttMessage? m))
            {
                if (m.Topic != _topic || m.Payload.Length == 0) continue; // an empty retained payload clears the topic
                try
                {
                    Consider(m.Payload);
                }
                catch (Exception e)
                {
                    Refuse($"a message on {_topic} could not be checked: {e.GetType().Name}: {e.Message}");
                }
            }
        }
    }

    /// <summary>Checks one payload; returns the refusal reason, or null when accepted. Public for tests and tools.</summary>
    public string? Consider(byte[] payload)
    {
        SignedPolicy signed;
        try
        {
            signed = SignedPolicy.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Refuse($"a {payload.Length}-byte message on {_topic} is not a SignedPolicy ({e.Message})");
        }
        if (signed.Release.IsEmpty) return Refuse($"a message on {_topic} carries no release");
        if (signed.Signature.IsEmpty) return Refuse($"an unsigned policy on {_topic} (key id \"{signed.KeyId}\"); only policies signed by the trusted key {_trustedId} are run");
        if (!PolicySigning.Verify(signed, _trusted))
            return Refuse($"a policy on {_topic} with a bad signature (claims key id \"{signed.KeyId}\"; trusted key is {_trustedId}): forged, corrupted, or signed by another key");
        PolicyRelease release;
        try
        {
            release = PolicyRelease.Parser.ParseFrom(signed.Release);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Refuse($"a correctly signed message on {_topic} holds no readable release ({e.Message})");
        }
        byte[] onnx = release.Onnx.ToByteArray();
        string sha = Convert.ToHexStringLower(SHA256.HashData(onnx));
        if (sha != release.OnnxSha256)
            return Refuse($"version {release.PolicyVersion}: the model's SHA-256 is {sha}, the release states {release.OnnxSha256}");
        if (release.EnvId != _running.EnvId)
            return Refuse($"version {release.PolicyVersion} is for env {release.EnvId}; this runtime runs {_running.EnvId}");
        long newest = Interlocked.Read(ref _newestVersion);
        if (release.PolicyVersion <= newest)
            return Refuse($"version {release.PolicyVersion} is not newer than {newest} (running {_running.PolicyVersion}); an older or repeated policy is never run");
        PolicyModelInfo model;
        try
        {
            model = ModelContract.Read(onnx);
        }
        catch (Exception e) when (e is InvalidDataException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            return Refuse($"version {release.PolicyVersion}: not a usable policy model: {e.Message}");
        }
        string? mismatch = ContractMismatch(model, release);
        if (mismatch is not null) return Refuse($"version {release.PolicyVersion}: contract mismatch: {mismatch}");

        var update = new PolicyUpdate(onnx, release, model, signed.KeyId);
        lock (_gate)
        {
            _pending = update;
            Interlocked.Exchange(ref _newestVersion, release.PolicyVersion);
        }
        Log?.Invoke($"accepted policy version {release.PolicyVersion} for {release.EnvId} (sha256 {sha[..12]}…, key {signed.KeyId}, from {release.Publisher}); switching at the next episode");
        return null;
    }

    private string? ContractMismatch(PolicyModelInfo model, PolicyRelease release)
    {
        if (model.EnvId != release.EnvId) return $"the model states env {model.EnvId}, the release {release.EnvId}";
        if (model.PolicyVersion != release.PolicyVersion) return $"the model states policy version {model.PolicyVersion}, the release {release.PolicyVersion}";
        if (!Same(model.ObservationSpace, _running.ObservationSpace)) return $"observation space {model.ObservationSpace} differs from the running {_running.ObservationSpace}";
        if (!Same(model.ActionSpace, _running.ActionSpace)) return $"action space {model.ActionSpace} differs from the running {_running.ActionSpace}";
        if (model.ControlPeriod is double p && _running.ControlPeriod is double q && Math.Abs(p - q) > 0.01 * q)
            return $"control period {p} s differs from the running {q} s";
        return null;
    }

    private static bool Same(SpaceSpec? a, SpaceSpec? b) => a is not null && b is not null && a.ToJson() == b.ToJson();

    private string Refuse(string why)
    {
        lock (_gate) _refusals.Add(why);
        Log?.Invoke("refused " + why);
        return why;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join(5000);
        _stop.Dispose();
    }
}
