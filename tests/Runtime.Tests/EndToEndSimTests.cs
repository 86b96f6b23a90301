using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Distributions;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Runtime.Tests.Models;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.Runtime.Tests;

public sealed class EndToEndSimTests
{
    private static PlantDescription Describe(IPlant p) => new(p.EnvId, p.ObservationSpace, p.ActionSpace, p.ControlPeriod);

    [Fact]
    public void An_exported_policy_scores_what_trainer_eval_scores_on_the_same_seeds()
    {
        using var dir = new TempDir();
        PolicyCheckpoint checkpoint = ExportedPolicies.PendulumCheckpoint(seed: 3);
        var (_, model) = ExportedPolicies.Export(checkpoint, dir.Path);

        using var plant = SimulatedPlant.Create(new SimulatedPlantOptions { EnvId = "Pendulum-v1" });
        using var policy = PolicySession.Open(model, Describe(plant));
        Assert.Empty(policy.Report.Warnings);
        RunSummary summary = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 4, Seed = 100 }).Run();

        Agent agent = Agent.FromCheckpoint(checkpoint);
        double[] expected = new Evaluator(() => EnvRegistry.Make("Pendulum-v1"), agent.Policy, agent.Normalizer).Run(4, 100);
        Assert.Equal(4, summary.Episodes.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(200, summary.Episodes[i].Steps);
            // ORT and the trainer's MLP differ only by float32 summation order: returns agree to ~1e-4 relative.
            Assert.Equal(expected[i], summary.Episodes[i].Return, Math.Abs(expected[i]) * 1e-3);
        }
    }

    [Fact]
    public void Logged_steps_hold_the_unclipped_sample_its_log_prob_and_the_model_identity()
    {
        using var dir = new TempDir();
        PolicyCheckpoint checkpoint = ExportedPolicies.PendulumCheckpoint(seed: 4) with { LogStd = [0.7f] }; // wide: many samples beyond ±2
        var (_, model) = ExportedPolicies.Export(checkpoint, dir.Path);
        using var plant = SimulatedPlant.Create(new SimulatedPlantOptions { EnvId = "Pendulum-v1" });
        using var policy = PolicySession.Open(model, Describe(plant), new PolicySessionOptions { Mode = PolicyMode.Explore, Seed = 77 });

        string db = dir.File("field.db");
        RunSummary summary;
        using (var log = TrajectoryWriter.Open(db, new RunInfo
        {
            EnvId = plant.EnvId, ObservationSpace = plant.ObservationSpace, ActionSpace = plant.ActionSpace,
            ModelSha256 = policy.Model.ModelSha256, PolicyVersion = policy.Model.PolicyVersion, Plant = plant.Description,
        }))
        {
            summary = new ControlLoop(plant, policy, new ControlLoopOptions { Episodes = 2, Seed = 5 }, log).Run();
        }

        using var reader = TrajectoryReader.Open(db);
        RunRecord run = Assert.Single(reader.Runs);
        Assert.Equal(policy.Model.ModelSha256, run.Info.ModelSha256);
        Assert.Equal(12, run.Info.PolicyVersion);
        var episodes = reader.ReadEpisodes().ToList();
        Assert.Equal(2, episodes.Count);
        var reference = new TrpoEdge.Exporter.PolicyReferenceForward(checkpoint);
        var mean = new float[1];
        int outside = 0;
        for (int e = 0; e < 2; e++)
        {
            EpisodeData ep = episodes[e];
            Assert.Equal(EpisodeStatus.Complete, ep.Status);
            Assert.True(ep.Truncated);
            Assert.Equal(200, ep.Length);
            Assert.Equal(summary.Episodes[e].Return, ep.Return, 6);
            for (int t = 0; t < ep.Length; t++)
            {
                Assert.Equal(12, ep.PolicyVersions[t]);
                float a = ep.Action(t)[0];
                if (Math.Abs(a) > 2) outside++;
                // The logged log-prob is the Gaussian's at the logged (unclipped) action.
                reference.Head(ep.Observation(t), mean);
                Assert.Equal(DiagGaussian.LogProb(mean, [0.7f], [a]), ep.LogProbs[t], 3);
            }
            Assert.True(ep.TimestampsNs.Zip(ep.TimestampsNs.Skip(1)).All(p => p.Second >= p.First));
        }
        Assert.True(outside > 20, $"only {outside} logged actions beyond the bounds; the test needs clipped samples");
    }

    [Fact]
    public void A_perturbed_rig_changes_the_dynamics_and_unknown_keys_list_the_rig_keys()
    {
        string rig = RigPath("direct-drive");
        using var nominal = SimulatedPlant.Create(new SimulatedPlantOptions { RigFile = rig });
        using var heavy = SimulatedPlant.Create(new SimulatedPlantOptions { RigFile = rig, Perturbations = [new("pendulum.mass", 2.0)] });
        Assert.Equal("Rig:direct-drive", heavy.EnvId);
        Assert.Contains("perturbed pendulum.mass=2", heavy.Description);
        var a = new float[3]; var b = new float[3];
        nominal.Reset(1, a); heavy.Reset(1, b);
        for (int t = 0; t < 10; t++) { nominal.Step([0f], a); heavy.Step([0f], b); }
        Assert.NotEqual(a[2], b[2]);

        var e = Assert.Throws<ArgumentException>(() => SimulatedPlant.Create(new SimulatedPlantOptions { RigFile = rig, Perturbations = [new("pendulum.weight", 2.0)] }));
        Assert.Contains("pendulum.mass", e.Message);
    }

    [Fact]
    public void Perturbing_a_gymnasium_env_is_refused_with_what_can_be_perturbed()
    {
        var e = Assert.Throws<ArgumentException>(() => SimulatedPlant.Create(new SimulatedPlantOptions { EnvId = "Pendulum-v1", Perturbations = [new("m", 1.2)] }));
        Assert.Contains("no parameters to perturb (asked: m)", e.Message);
        Assert.Contains("--rig hardware/rigs/<rig>.yaml", e.Message);
        Assert.Contains("motor.resistance", e.Message);
    }

    [Fact]
    public void Perturbation_text_is_parsed_invariantly_and_bad_text_is_explained()
    {
        Assert.Equal(new KeyValuePair<string, double>("pendulum.mass", 0.35), SimulatedPlantOptions.ParsePerturbation("pendulum.mass=0.35"));
        Assert.Contains("not KEY=VALUE", Assert.Throws<FormatException>(() => SimulatedPlantOptions.ParsePerturbation("pendulum.mass")).Message);
        Assert.Contains("not a finite number", Assert.Throws<FormatException>(() => SimulatedPlantOptions.ParsePerturbation("pendulum.mass=0,35")).Message);
    }

    [Fact]
    public void A_rig_plant_carries_the_rigs_safety_limits()
    {
        using var plant = SimulatedPlant.Create(new SimulatedPlantOptions { RigFile = RigPath("direct-drive"), Randomize = true });
        Assert.Equal(20.0, plant.Limits!.MaxVelocity);
        Assert.Contains("randomized", plant.Description);
    }

    internal static string RigPath(string name) =>
        EnvRegistry.FindRigFile(name) ?? throw new InvalidOperationException($"hardware/rigs/{name}.yaml not found above {AppContext.BaseDirectory}");
}
