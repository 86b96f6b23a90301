using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Runtime.Tests.Models;
using TrpoEdge.Sim;
using TrpoEdge.Sim.Random;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Runtime.Tests;

/// <summary>The Box2D environments as simulated plants: an exported policy with several action dimensions runs under
/// the runtime's control loop and scores what the trainer's evaluator scores on the same seeds.</summary>
public sealed class Box2DSimTests
{
    public sealed class RequiresBox2DTheoryAttribute : TheoryAttribute
    {
        public RequiresBox2DTheoryAttribute()
        {
            try { EnvRegistry.Make("LunarLander-v2"); }
            catch (NotSupportedException e) { Skip = e.Message; }
        }
    }

    [RequiresBox2DTheory]
    [InlineData("LunarLanderContinuous-v2")]
    [InlineData("BipedalWalker-v3")]
    public void An_exported_policy_scores_on_the_plant_what_trainer_eval_scores(string envId)
    {
        using var dir = new TempDir();
        IEnv probe = EnvRegistry.Make(envId);
        var obsBox = (Sim.Spaces.BoxSpace)probe.ObservationSpace;
        var actBox = (Sim.Spaces.BoxSpace)probe.ActionSpace;
        int d = obsBox.Dim, a = actBox.Dim;
        var rng = new Pcg64(5);
        var checkpoint = new PolicyCheckpoint
        {
            EnvId = envId,
            ObservationSpace = SpaceSpec.Box(obsBox.Low, obsBox.High),
            ActionSpace = SpaceSpec.Box(actBox.Low, actBox.High),
            ControlPeriod = probe.ControlPeriod,
            Hidden = [32, 32],
            Activation = "tanh",
            PolicyLayers = Layers(d, [32, 32], a, rng),
            ValueLayers = Layers(d, [32, 32], 1, rng),
            LogStd = Enumerable.Repeat(-0.5f, a).ToArray(),
            ObsNorm = new ObservationNormState(new double[d], Enumerable.Repeat(1.0, d).ToArray(), 1000, 10f, 1e-8f),
            PolicyVersion = 3,
            TotalSteps = 1000,
        };
        var (_, model) = ExportedPolicies.Export(checkpoint, dir.Path);

        using var plant = SimulatedPlant.Create(new SimulatedPlantOptions { EnvId = envId });
        using var policy = PolicySession.Open(model, new PlantDescription(plant.EnvId, plant.ObservationSpace, plant.ActionSpace, plant.ControlPeriod));
        RunSummary summary = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 2, Seed = 40 }).Run();

        Agent agent = Agent.FromCheckpoint(checkpoint);
        double[] expected = new Evaluator(() => EnvRegistry.Make(envId), agent.Policy, agent.Normalizer).Run(2, 40);
        Assert.Equal(2, summary.Episodes.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(summary.Episodes[i].Steps > 1);
            // ORT and the trainer's MLP differ by float32 summation order only, but a rigid-body episode amplifies
            // last-bit differences in the action, so the returns are compared within 5 %.
            Assert.Equal(expected[i], summary.Episodes[i].Return, Math.Max(1.0, Math.Abs(expected[i]) * 0.05));
        }
    }

    private static List<DenseLayer> Layers(int inputs, int[] hidden, int outputs, Pcg64 rng)
    {
        var layers = new List<DenseLayer>();
        int prev = inputs;
        foreach (int h in hidden.Append(outputs))
        {
            float scale = 1f / MathF.Sqrt(prev);
            var w = new float[h * prev];
            for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextGaussian() * scale;
            layers.Add(new DenseLayer(prev, h, w, new float[h]));
            prev = h;
        }
        return layers;
    }
}
