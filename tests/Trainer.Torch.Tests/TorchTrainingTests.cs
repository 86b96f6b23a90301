using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Exporter;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Trainer.Torch.Tests;

/// <summary>The whole training loop on the TorchSharp engine: the same TRPO, critic schedule, normaliser and
/// checkpoint as the managed engine, and a checkpoint that exports to an ONNX model ONNX Runtime agrees with.</summary>
public sealed class TorchTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-torch-cartpole-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_short_cartpole_run_learns_and_its_checkpoint_exports_and_verifies()
    {
        var options = new TrainingOptions
        {
            EnvId = "CartPole-v1", Seed = 3, TotalSteps = 12_288, NumEnvs = 8, StepsPerEnv = 128, Hidden = [32, 32],
            EvalEvery = 0, FinalEvalEpisodes = 10, CheckpointEvery = 0,
            Trpo = new() { Gamma = 0.99, GaeLambda = 0.98, CgDamping = 1e-3, CriticEpochs = 10, CriticBatchSize = 128 },
        };
        IEnv probe = EnvRegistry.Make(options.EnvId);
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace),
            probe.ControlPeriod, new TorchEngineProvider("cpu"));
        var before = new Evaluator(() => EnvRegistry.Make(options.EnvId), agent.Policy, agent.Normalizer).Run(10, TrainingRun.EvalSeed(options));

        TrainingResult result = new TrainingRun(agent, () => EnvRegistry.Make(options.EnvId), _dir).Run(CancellationToken.None);

        // A random policy balances about 20 steps; twelve updates of TRPO several times longer.
        double initial = before.Average();
        Assert.True(result.FinalReturnMean >= Math.Max(100, 3 * initial), $"deterministic return {initial:F1} before, {result.FinalReturnMean:F1} after {result.TotalSteps} steps");
        PolicyCheckpoint checkpoint = PolicyCheckpoint.Load(result.CheckpointPath);
        Assert.Equal(result.TotalSteps, checkpoint.TotalSteps);
        Assert.True(checkpoint.PolicyVersion > 0);

        string onnx = Path.Combine(_dir, "policy.onnx");
        PolicyExporter.Export(result.CheckpointPath, onnx);
        VerificationReport report = ModelVerifier.Verify(onnx, result.CheckpointPath);
        Assert.True(report.Passed, report.ToString());
    }
}
