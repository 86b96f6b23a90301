using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Exporter;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Algorithms;
using TrpoEdge.Trainer.Retraining;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.EndToEnd.Tests;

/// <summary>Data logged by the real runtime, acting through the exported ONNX model in ONNX Runtime, is on-policy for
/// the checkpoint it was exported from: its logged log-probabilities agree with the trainer's own, the retrain's
/// importance ratios are exactly 1, and one retrain update is exactly the on-policy TRPO update on those steps.</summary>
public sealed class OnPolicyRetrainTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-onpolicy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Runtime_logged_on_policy_data_gives_ratios_of_exactly_one_and_reproduces_the_on_policy_trpo_update()
    {
        IEnv probe = EnvRegistry.Make("Pendulum-v1");
        var options = new TrainingOptions { EnvId = "Pendulum-v1", Hidden = [16, 16], Seed = 4, Trpo = new() { Gamma = 0.95, CriticBatchSize = 64 } };
        Agent source = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        source.PolicyVersion = 5;
        string ckptPath = Path.Combine(_dir, "ckpt.safetensors"), onnx = Path.Combine(_dir, "policy.onnx"), field = Path.Combine(_dir, "field.db");
        string sha = source.ToCheckpoint().Save(ckptPath);
        PolicyExporter.Export(ckptPath, onnx);
        Programs.Expect0("runtime", "--model", onnx, "--sim", "Pendulum-v1", "--episodes", "3", "--explore", "--seed", "21", "--log", field);
        PolicyCheckpoint checkpoint = PolicyCheckpoint.Load(ckptPath);

        // The logged log-probabilities came from ONNX Runtime: they agree with the trainer's engine to float precision.
        FieldBatch batch = FieldDataLoader.Load([field], checkpoint, sha, maxPolicyLag: 0);
        Assert.Equal(600, batch.Count);
        Agent agent = Agent.FromCheckpoint(checkpoint);
        double[] logged = RetrainRun.ImportanceRatios(agent, batch);
        Assert.All(logged, r => Assert.InRange(r, 1 - 1e-4, 1 + 1e-4));
        Assert.Contains(logged, r => r != 1.0); // really from another engine (else the adoption below proves nothing)
        var normalized = new float[batch.RawObservations.Length];
        agent.Normalizer.Normalize(batch.RawObservations, normalized);
        var ownOutputs = new float[batch.Count * agent.Policy.OutputSize];
        agent.Policy.Forward(normalized, batch.Count, ownOutputs);
        var own = new double[batch.Count];
        agent.Policy.LogProb(ownOutputs, batch.Actions, batch.Count, own);
        batch.AdoptCheckpointLogProbs(own);
        Assert.All(RetrainRun.ImportanceRatios(agent, batch), r => Assert.Equal(1.0, r));

        // One retrain update (no critic warm-up) …
        RetrainResult result = new RetrainRun(checkpoint, sha, new RetrainOptions { Updates = 1, CriticWarmupRounds = 0, Seed = 3 })
            .Run([field], Path.Combine(_dir, "retrained"));
        Assert.Equal(1, result.UpdatesAccepted);
        Assert.Equal(1.0, result.Reports[0].RatioMean);
        Assert.Equal(1.0, result.Reports[0].RatioMax);
        var retrained = new float[agent.Policy.ParameterCount];
        Agent.FromCheckpoint(PolicyCheckpoint.Load(result.CheckpointPath!)).Policy.GetParameters(retrained);

        // … equals the on-policy TRPO update built by hand: GAE on every episode with the checkpoint's critic,
        // standardised advantages, the behaviour log-probability the policy's own, one TrpoPolicyStep.
        Agent expected = Agent.FromCheckpoint(checkpoint);
        FieldBatch data = FieldDataLoader.Load([field], checkpoint, sha, 0);
        TrpoOptions trpo = expected.Options.Trpo;
        var obs = new float[data.RawObservations.Length];
        expected.Normalizer.Normalize(data.RawObservations, obs);
        var values = new float[data.Count];
        expected.Critic.Predict(obs, data.Count, values);
        var bootNorm = new float[data.BootstrapObservations.Length];
        expected.Normalizer.Normalize(data.BootstrapObservations, bootNorm);
        var bootValues = new float[data.Episodes];
        expected.Critic.Predict(bootNorm, data.Episodes, bootValues);
        var advantages = new float[data.Count];
        for (int e = 0; e < data.Episodes; e++)
        {
            int start = data.EpisodeStarts[e], n = data.EpisodeEnd(e) - start;
            var next = new float[n];
            for (int t = 0; t < n - 1; t++) next[t] = values[start + t + 1];
            next[n - 1] = data.EpisodeTerminated[e] ? 0 : bootValues[e];
            var ended = new bool[n];
            ended[n - 1] = true;
            var terminated = new bool[n];
            terminated[n - 1] = data.EpisodeTerminated[e];
            Gae.Compute(data.Rewards.AsSpan(start, n), values.AsSpan(start, n), next, terminated, ended, trpo.Gamma, trpo.GaeLambda, advantages.AsSpan(start, n));
        }
        Statistics.Standardize(advantages);
        var outputs = new float[data.Count * expected.Policy.OutputSize];
        expected.Policy.Forward(obs, data.Count, outputs);
        var ownLogProb = new double[data.Count];
        expected.Policy.LogProb(outputs, data.Actions, data.Count, ownLogProb);
        PolicyStepReport step = new TrpoPolicyStep(expected.Policy, trpo).Update(new PolicyBatch(obs, data.Actions, ownLogProb, advantages, data.Count));
        Assert.True(step.LineSearchSuccess);
        var theta = new float[expected.Policy.ParameterCount];
        expected.Policy.GetParameters(theta);
        Assert.Equal(theta, retrained);
        Assert.Equal(step.Kl, result.Reports[0].Policy.Kl);
    }
}
