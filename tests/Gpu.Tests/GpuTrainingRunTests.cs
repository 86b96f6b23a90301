using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Exporter;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Gpu.Engines;
using TrpoEdge.Trainer.Gpu.Training;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Gpu.Tests;

/// <summary>The device-resident loop end to end at a tiny size: collects on the device, updates, and writes a checkpoint
/// in the CPU loop's format that loads, resumes and exports to ONNX like any other.</summary>
public sealed class GpuTrainingRunTests(Simulator sim) : IClassFixture<Simulator>
{
    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void Two_updates_write_a_checkpoint_that_loads_and_exports(string envId)
    {
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-gpu-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new TrainingOptions
            {
                EnvId = envId, Seed = 3, NumEnvs = 4, StepsPerEnv = 16, TotalSteps = 128, Hidden = [8],
                EvalEvery = 0, FinalEvalEpisodes = 1, CheckpointEvery = 0,
                Trpo = new() { CgIterations = 3, CriticEpochs = 2, CriticBatchSize = 32 },
            };
            IEnv probe = EnvRegistry.Make(envId);
            Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace),
                probe.ControlPeriod, new GpuEngineProvider(sim.Device));
            float[] before = new float[agent.Policy.ParameterCount];
            agent.Policy.GetParameters(before);
            double countBefore = agent.Normalizer.Count;
            var reports = new List<UpdateReport>();
            var run = new GpuTrainingRun(agent, sim.Device, dir);
            run.Updated += reports.Add;
            TrainingResult result = run.Run(CancellationToken.None);

            Assert.Equal(2, result.Updates);
            Assert.Equal(128, result.TotalSteps);
            Assert.All(reports, r => Assert.True(double.IsFinite(r.Policy.SurrogateBefore) && double.IsFinite(r.ValueLoss)));
            Assert.True(agent.Normalizer.Count > countBefore + 127, "the normaliser did not see the rollouts");
            var after = new float[agent.Policy.ParameterCount];
            agent.Policy.GetParameters(after);
            if (reports.Any(r => r.Policy.LineSearchSuccess)) Assert.NotEqual(before, after);

            PolicyCheckpoint loaded = PolicyCheckpoint.Load(result.CheckpointPath);
            Assert.Equal(probe.Id, loaded.EnvId);
            Assert.Equal(128, loaded.TotalSteps);
            Assert.Equal(agent.PolicyVersion, loaded.PolicyVersion);
            Assert.Equal(agent.Policy.Network.Parameters.ToArray(), loaded.PolicyLayers.SelectMany(l => l.Weight.Concat(l.Bias)).ToArray());
            Assert.NotNull(loaded.RecordedObservations);
            Assert.Equal(loaded.ObservationSpace.Size * 64, loaded.RecordedObservations!.Length);
            // The critic's Adam state came back from the device into the checkpoint.
            Assert.Equal(2 * 2 * 2, loaded.ValueOptimizer!.Step); // updates × epochs × minibatches of 32 in 64 rows
            Assert.Contains(loaded.ValueOptimizer.M, m => m != 0);
            PolicyExporter.Export(result.CheckpointPath, Path.Combine(dir, "policy.onnx"));
            Assert.True(new FileInfo(Path.Combine(dir, "policy.onnx")).Length > 100);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
