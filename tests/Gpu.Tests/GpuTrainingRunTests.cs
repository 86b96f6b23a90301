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

    /// <summary>With the closed-form critic head the device loop copies its regression set to the host, solves the head
    /// there and pushes it back: the device critic then predicts what the host network predicts.</summary>
    [Fact]
    public void The_closed_form_critic_head_reaches_the_device_critic()
    {
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-gpu-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new TrainingOptions
            {
                EnvId = "Pendulum-v1", Seed = 5, NumEnvs = 4, StepsPerEnv = 16, TotalSteps = 128, Hidden = [8],
                EvalEvery = 0, FinalEvalEpisodes = 1, CheckpointEvery = 0, NormalizeObservations = false,
                Trpo = new() { CgIterations = 3, CriticEpochs = 1, CriticBatchSize = 32, CriticHeadSolve = true },
            };
            IEnv probe = EnvRegistry.Make("Pendulum-v1");
            Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace),
                probe.ControlPeriod, new GpuEngineProvider(sim.Device));
            float[] headBefore = agent.Critic.Network.Weight(agent.Critic.Network.LayerCount - 1).ToArray();
            var reports = new List<UpdateReport>();
            var run = new GpuTrainingRun(agent, sim.Device, dir);
            run.Updated += reports.Add;
            run.Run(CancellationToken.None);

            Assert.All(reports, r => Assert.True(double.IsFinite(r.ValueLoss) && r.ValueLoss >= 0));
            Assert.NotEqual(headBefore, agent.Critic.Network.Weight(agent.Critic.Network.LayerCount - 1).ToArray());
            var rng = new Random(2);
            var obs = new float[50 * 3];
            for (int i = 0; i < obs.Length; i++) obs[i] = (float)(rng.NextDouble() * 2 - 1);
            var onDevice = new float[50];
            var onHost = new float[50];
            agent.Critic.Predict(obs, 50, onDevice);
            agent.Critic.Network.Forward(obs, 50, onHost);
            for (int i = 0; i < 50; i++) Assert.Equal(onHost[i], onDevice[i], 1e-4f);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    /// <summary>keep_best on the device loop: the best periodic evaluation's policy (the host copy of θ that the
    /// evaluation used) is in best.safetensors, and the final comparison replays the final episodes with it.</summary>
    [Fact]
    public void The_device_loop_keeps_the_policy_of_its_best_periodic_evaluation()
    {
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-gpu-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new TrainingOptions
            {
                EnvId = "Pendulum-v1", Seed = 3, NumEnvs = 4, StepsPerEnv = 16, TotalSteps = 6 * 64, Hidden = [8],
                EvalEvery = 1, EvalEpisodes = 2, FinalEvalEpisodes = 3, CheckpointEvery = 0,
                Trpo = new() { CgIterations = 3, CriticEpochs = 2, CriticBatchSize = 32, TargetKl = 0.2 },
            };
            IEnv probe = EnvRegistry.Make("Pendulum-v1");
            Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace),
                probe.ControlPeriod, new GpuEngineProvider(sim.Device));
            var policies = new Dictionary<long, float[]>();
            var evaluations = new List<(long Step, double Return)>();
            var run = new GpuTrainingRun(agent, sim.Device, dir);
            run.Updated += r =>
            {
                var p = new float[agent.Policy.ParameterCount];
                agent.Policy.GetParameters(p);
                policies[r.TotalSteps] = p;
                if (r.EvalReturnMean is { } e) evaluations.Add((r.TotalSteps, e));
            };
            TrainingResult result = run.Run(CancellationToken.None);

            Assert.Equal(5, evaluations.Count); // every update but the last
            var best = evaluations.First(e => e.Return == evaluations.Max(q => q.Return));
            Assert.True(best.Step < evaluations[^1].Step, "the seed must peak before the last evaluation, or the test cannot tell the best from the last");
            Assert.Equal(best.Step, result.Best!.TotalSteps);
            Assert.Equal(best.Return, result.Best.SelectionReturnMean);
            Agent kept = Agent.FromCheckpoint(PolicyCheckpoint.Load(Path.Combine(dir, BestPolicyKeeper.FileName)));
            var keptParameters = new float[kept.Policy.ParameterCount];
            kept.Policy.GetParameters(keptParameters);
            Assert.Equal(policies[best.Step], keptParameters);

            double replayed = new Evaluator(() => EnvRegistry.Make("Pendulum-v1"), kept.Policy, kept.Normalizer).Run(3, TrainingRun.EvalSeed(options)).Average();
            Assert.Equal(replayed, result.Comparison!.ReturnMean, 9);
            Assert.Equal(replayed > result.FinalReturnMean, result.Comparison.Chosen);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
