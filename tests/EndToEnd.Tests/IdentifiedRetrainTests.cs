using System.Text.Json;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Exporter;
using TrpoEdge.Sim;
using TrpoEdge.Trainer.Training;

namespace TrpoEdge.EndToEnd.Tests;

/// <summary>`trainer retrain --identify` through the real programs: a policy exported to ONNX explores a perturbed
/// rig under the runtime, the retrain fits the rig's dynamics to that log, writes the identified rig, simulates it,
/// and records it in the new checkpoint.</summary>
public sealed class IdentifiedRetrainTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trpoedge-identify-").FullName;
    private static readonly string Rig = Path.Combine(Programs.Root, "hardware", "rigs", "direct-drive.yaml");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An untrained policy for <paramref name="envId"/>, saved and exported into the test folder.</summary>
    private string Checkpoint(string envId, string name)
    {
        IEnv probe = EnvRegistry.Make(envId);
        var options = new TrainingOptions { EnvId = envId, Hidden = [16, 16], Seed = 2, Trpo = new() { CriticBatchSize = 64 } };
        Agent agent = Agent.Create(options, probe.Id, SpaceConversion.ToSpec(probe.ObservationSpace), SpaceConversion.ToSpec(probe.ActionSpace), probe.ControlPeriod);
        string folder = Path.Combine(_dir, name);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "ckpt.safetensors");
        agent.ToCheckpoint().Save(path);
        PolicyExporter.Export(path, Path.Combine(folder, "policy.onnx"));
        return path;
    }

    [Fact]
    public void Retrain_identifies_the_perturbed_rig_from_the_runtimes_log_and_simulates_it()
    {
        string ckpt = Checkpoint(Rig, "sim");
        string field = Path.Combine(_dir, "field.db"), earlier = Path.Combine(_dir, "earlier.db"), outDir = Path.Combine(_dir, "out"), summary = Path.Combine(_dir, "summary.json");
        string[] perturb = ["--perturb", "pendulum.mass=1.4", "--perturb", "motor.torque_constant=0.08", "--perturb", "delay_steps=1"];
        string model = Path.Combine(Path.GetDirectoryName(ckpt)!, "policy.onnx");
        Programs.Expect0("runtime", ["--model", model, "--rig", Rig, .. perturb, "--episodes", "3", "--explore", "--seed", "5", "--log", field]);
        // An earlier deterministic run: useless for the policy update, still evidence of the dynamics.
        Programs.Expect0("runtime", ["--model", model, "--rig", Rig, .. perturb, "--episodes", "2", "--seed", "9", "--log", earlier]);

        string output = Programs.Expect0("trainer", "retrain", "--checkpoint", ckpt, "--from", field, "--identify-from", earlier, "--identify",
            "--updates", "2", "--sim-steps", "400", "--seed", "1", "--out", outDir, "--no-export", "--summary-json", summary);
        Assert.Contains("identified rig written to", output);

        // The written rig reads back as a rig file and carries the plant's delay and motor strength (T/J = kt·V/R/J).
        RigSpec identified = RigSpec.Load(Path.Combine(outDir, "identified-rig.yaml"));
        Assert.Equal(1, identified.DelaySteps);
        double torquePerInertia = identified["motor.torque_constant"] * identified["motor.supply_voltage"] / identified["motor.resistance"] / identified["pendulum.inertia"];
        Assert.Equal(0.08 * 24 / 1.2 / (1.4 / 3), torquePerInertia, 0.05);

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(summary));
        JsonElement id = doc.RootElement.GetProperty("identified");
        Assert.Equal(1, id.GetProperty("delay_steps").GetInt32());
        Assert.Equal(1000, id.GetProperty("transitions").GetInt32()); // 3 + 2 episodes of 200 steps
        Assert.True(id.GetProperty("prediction_rms").GetDouble() < 0.5 * id.GetProperty("nominal_prediction_rms").GetDouble());

        PolicyCheckpoint child = PolicyCheckpoint.Load(Path.Combine(outDir, "ckpt.safetensors"));
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "identified-rig.yaml")), child.Extra["retrain.sim_rig"]);
        Assert.Equal("800", child.Extra["retrain.sim_steps"]); // two updates of 400 simulated steps
        // The retrain's own data stays what --from gave: the deterministic run is not learned from.
        Assert.DoesNotContain("earlier.db", child.Extra["retrain.data"]);
    }

    [Fact]
    public void Identify_is_refused_for_a_fixed_physics_environment_and_identify_from_needs_identify()
    {
        string ckpt = Checkpoint("Pendulum-v1", "pendulum");
        string field = Path.Combine(_dir, "p.db");
        Programs.Expect0("runtime", "--model", Path.Combine(Path.GetDirectoryName(ckpt)!, "policy.onnx"), "--sim", "Pendulum-v1", "--episodes", "1", "--explore", "--log", field);
        var (code, output) = Programs.Run("trainer", "retrain", "--checkpoint", ckpt, "--from", field, "--identify", "--out", Path.Combine(_dir, "o1"));
        Assert.True(code == 2, output);
        Assert.Contains("physics are fixed", output);
        (code, output) = Programs.Run("trainer", "retrain", "--checkpoint", ckpt, "--from", field, "--identify-from", field, "--out", Path.Combine(_dir, "o2"));
        Assert.True(code == 2, output);
        Assert.Contains("pass --identify too", output);
        (code, output) = Programs.Run("trainer", "retrain", "--checkpoint", ckpt, "--from", field, "--sim-env", "CartPole-v1", "--sim-steps", "10", "--out", Path.Combine(_dir, "o3"));
        Assert.True(code == 2, output);
        Assert.Contains("--sim-env CartPole-v1 has observation space", output);
    }
}
