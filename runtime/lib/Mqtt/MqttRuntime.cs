using System.Security.Cryptography;
using TrpoEdge.Core.Mqtt;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Policy;

namespace TrpoEdge.Runtime.Mqtt;

/// <summary>The runtime on a broker: drives rig ID through <see cref="MqttPlant"/> one episode at a time (so a newer
/// signed policy from <see cref="PolicyFollower"/> can take over between episodes, never within one), keeps a retained
/// status with an OFFLINE Will, logs every step to the local store and, when asked, streams it with
/// <see cref="TrajectoryPublisher"/>. Three connections (rig, trajectories, policy), so bulk data never queues in
/// front of a command.</summary>
public static class MqttRuntime
{
    /// <param name="progress">Called from the control loop's thread a few times per second (live status lines, tests).</param>
    public static MqttRunResult Run(MqttRuntimeOptions o, Action<string> log, CancellationToken cancel = default, Action<LoopProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(log);
        o.Validate();
        if (!File.Exists(o.ModelPath)) throw new FileNotFoundException($"Model file not found: {Path.GetFullPath(o.ModelPath)}", o.ModelPath);
        byte[] bytes = File.ReadAllBytes(o.ModelPath);
        PolicyModelInfo info = ModelContract.Read(bytes);
        string id = o.EffectiveRuntimeId;
        using ECDsa? trusted = o.FollowPolicy ? PolicySigning.LoadPublicKey(o.TrustPath!) : null;

        var disposables = new Stack<IDisposable>();
        IPolicySession? policy = null;
        try
        {
            // The rig's connection reconnects by itself (bounded backoff); the plant interrupts the episode a drop hits and
            // waits for the connection at the next one, so a broker restart costs one episode, not the run.
            var rigClient = MqttNetClient.Connect(o.Broker with { ClientId = id + "-rig", Will = RuntimeStatusPublisher.WillFor(id) });
            disposables.Push(rigClient);
            var status = new RuntimeStatusPublisher(rigClient, id);
            status.Publish(new RuntimeStatus { State = RuntimeStatus.Types.State.Online, RigId = o.RigId, EnvId = info.EnvId, PolicyVersion = info.PolicyVersion, ModelSha256 = info.ModelSha256 });
            var plant = new MqttPlant(rigClient, o.RigId, ModelContract.PlantOptions(info, o.MaxEpisodeSteps));
            disposables.Push(plant);
            var description = new PlantDescription(plant.EnvId, plant.ObservationSpace, plant.ActionSpace, plant.ControlPeriod);
            var sessionOptions = new PolicySessionOptions
            {
                Mode = o.Explore ? PolicyMode.Explore : PolicyMode.Deterministic,
                Seed = o.Seed,
                Session = new Inference.InferenceOptions { IntraOpThreads = o.Threads },
            };
            policy = PolicySession.Open(bytes, description, sessionOptions, Path.GetFileName(o.ModelPath));
            log($"model {Path.GetFileName(o.ModelPath)} (policy version {policy.Model.PolicyVersion}) on {plant.Description}, runtime id {id}");

            TrajectoryWriter? writer = null;
            if (o.LogPath is not null)
            {
                writer = TrajectoryWriter.Open(o.LogPath, RunDescriptions.For(plant, policy.Model,
                    $"{(o.Explore ? "explore" : "deterministic")} seed={o.Seed} runtime={id}"));
            }
            TrajectoryPublisher? publisher = null;
            if (o.PublishTrajectories)
            {
                var trajClient = MqttNetClient.Connect(o.Broker with { ClientId = id + "-trajectories" });
                disposables.Push(trajClient);
                publisher = new TrajectoryPublisher(trajClient, id, o.LogPath!, writer!.RunId);
                disposables.Push(publisher);
            }
            PolicyFollower? follower = null;
            if (trusted is not null)
            {
                var policyClient = MqttNetClient.Connect(o.Broker with { ClientId = id + "-policy" });
                disposables.Push(policyClient);
                follower = new PolicyFollower(policyClient, trusted, info) { Log = log };
                disposables.Push(follower);
            }

            var episodes = new List<EpisodeResult>();
            var summaries = new List<RunSummary>();
            long switches = 0, steps = 0;
            bool cancelled = false;
            try
            {
                for (int ep = 0; ep < o.Episodes; ep++)
                {
                    if (cancel.IsCancellationRequested) { cancelled = true; break; }
                    if (follower is not null && follower.TryTake(out PolicyUpdate? update))
                    {
                        try
                        {
                            IPolicySession next = PolicySession.Open(update!.Onnx, description, sessionOptions with { Seed = o.Seed + (ulong)ep },
                                $"policy v{update.Release.PolicyVersion}");
                            policy.Dispose();
                            policy = next;
                            switches++;
                            log($"switched to policy version {policy.Model.PolicyVersion} before episode {ep + 1}");
                        }
                        catch (Exception e) when (e is PolicyContractException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
                        {
                            follower.ReportUnusable(update!, e.Message);
                        }
                    }
                    status.Publish(new RuntimeStatus
                    {
                        State = RuntimeStatus.Types.State.Running, RigId = o.RigId, EnvId = info.EnvId, PolicyVersion = policy.Model.PolicyVersion,
                        ModelSha256 = policy.Model.ModelSha256, Episodes = (ulong)ep, Steps = (ulong)steps,
                    });
                    var loop = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 1, Seed = o.Seed + (ulong)ep, ProgressInterval = 0.01 }, writer);
                    if (progress is not null) loop.Progress = p => progress(p with { Episode = ep, Episodes = o.Episodes });
                    RunSummary s = loop.Run(cancel);
                    summaries.Add(s);
                    foreach (EpisodeResult e in s.Episodes)
                    {
                        episodes.Add(e with { Index = ep });
                        steps += e.Steps;
                        if (e.End == EpisodeEnd.Interrupted) log($"episode {ep + 1} interrupted ({e.Detail}); closed as incomplete, going on");
                    }
                    if (s.Cancelled) { cancelled = true; break; }
                }
            }
            finally
            {
                writer?.Dispose();
            }
            bool drained = publisher?.Complete(o.DrainTimeout) ?? true;
            if (!drained) log($"{publisher!.Outstanding} trajectory batches were not acknowledged by a collector within {o.DrainTimeout.TotalSeconds:G3} s; they stay in {o.LogPath}.");
            status.Publish(new RuntimeStatus
            {
                State = RuntimeStatus.Types.State.Stopped, RigId = o.RigId, EnvId = info.EnvId, PolicyVersion = policy.Model.PolicyVersion,
                ModelSha256 = policy.Model.ModelSha256, Episodes = (ulong)episodes.Count, Steps = (ulong)steps, Detail = cancelled ? "cancelled" : "done",
            });
            return new MqttRunResult(episodes, summaries, plant.LinkStats, switches, policy.Model.PolicyVersion,
                follower?.Refusals ?? [], publisher?.BatchesPublished ?? 0, publisher?.BatchesAcknowledged ?? 0, drained, writer?.RunId, cancelled);
        }
        finally
        {
            policy?.Dispose();
            Thread.Sleep(50); // the STOPPED status and the plant's STOP on their way before DISCONNECT
            while (disposables.Count > 0) disposables.Pop().Dispose();
        }
    }
}
