using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Runtime.Control;
using TrpoEdge.Runtime.Plants;
using TrpoEdge.Runtime.Policy;
using TrpoEdge.Runtime.Tests.Models;

namespace TrpoEdge.Runtime.Tests;

/// <summary>A runtime that follows published policies (runtime --mqtt --follow-policy) runs one control loop per
/// episode and switches the session between episodes, logging into one run. Every episode must record the policy
/// that really acted in it — not the run's first one — or the trainer would attribute the wrong log-probabilities.</summary>
public sealed class ActingPolicyLoggingTests
{
    [Fact]
    public void Episodes_after_a_policy_switch_record_the_new_policy_and_its_checkpoint()
    {
        using var dir = new TempDir();
        var (ckptA, modelA) = ExportedPolicies.Export(ExportedPolicies.PendulumCheckpoint(seed: 4, policyVersion: 12), Path.Combine(dir.Path, "a"));
        var (ckptB, modelB) = ExportedPolicies.Export(ExportedPolicies.PendulumCheckpoint(seed: 5, policyVersion: 13), Path.Combine(dir.Path, "b"));
        using var plant = SimulatedPlant.Create(new SimulatedPlantOptions { EnvId = "Pendulum-v1" });
        var description = new PlantDescription(plant.EnvId, plant.ObservationSpace, plant.ActionSpace, plant.ControlPeriod);
        var explore = new PolicySessionOptions { Mode = PolicyMode.Explore, Seed = 3 };
        string db = dir.File("field.db");
        string modelShaA, modelShaB;
        using (var a = PolicySession.Open(modelA, description, explore))
        using (var b = PolicySession.Open(modelB, description, explore))
        {
            modelShaA = a.Model.ModelSha256;
            modelShaB = b.Model.ModelSha256;
            using var log = TrajectoryWriter.Open(db, RunDescriptions.For(plant, a.Model, "follow-policy"));
            // The shape of MqttRuntime's loop: one ControlLoop per episode, with the session current at that episode.
            new ControlLoop(plant, a, new ControlLoopOptions { Episodes = 1, Seed = 1, MaxStepsPerEpisode = 20 }, log).Run();
            new ControlLoop(plant, b, new ControlLoopOptions { Episodes = 1, Seed = 2, MaxStepsPerEpisode = 20 }, log).Run();
        }

        using var reader = TrajectoryReader.Open(db);
        Assert.Equal(12, reader.Runs.Single().Info.PolicyVersion); // the run row still names the first policy
        var episodes = reader.ReadEpisodes().ToList();
        Assert.Equal(new ActingPolicy(12, PolicyCheckpoint.Sha256Of(ckptA), modelShaA), episodes[0].Policy);
        Assert.Equal(new ActingPolicy(13, PolicyCheckpoint.Sha256Of(ckptB), modelShaB), episodes[1].Policy);
        Assert.All(episodes[1].PolicyVersions, v => Assert.Equal(13, v));
    }
}
