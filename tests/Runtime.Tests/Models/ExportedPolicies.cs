using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Exporter;

namespace TrpoEdge.Runtime.Tests.Models;

/// <summary>Real models through the project's own exporter: a checkpoint with seeded random weights and
/// non-trivial observation statistics, exported to a temporary .onnx file.</summary>
internal static class ExportedPolicies
{
    public static PolicyCheckpoint PendulumCheckpoint(ulong seed, int[]? hidden = null, long policyVersion = 12)
    {
        hidden ??= [64, 64];
        var rng = new Pcg64(seed);
        var obs = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]);
        var act = SpaceSpec.Box([-2], [2]);
        return new PolicyCheckpoint
        {
            EnvId = "Pendulum-v1",
            ObservationSpace = obs,
            ActionSpace = act,
            ControlPeriod = 0.05,
            Hidden = hidden,
            Activation = "tanh",
            PolicyLayers = Layers(3, hidden, 1, rng, outputScale: 1.5f),
            ValueLayers = Layers(3, hidden, 1, rng, outputScale: 1f),
            LogStd = [-0.7f],
            ObsNorm = new ObservationNormState([0.1, -0.05, 0.3], [0.5, 0.4, 9.0], 1000, 10f, 1e-8f),
            PolicyVersion = policyVersion,
            TotalSteps = 1000,
        };
    }

    /// <summary>Saves the checkpoint and exports it; returns (checkpoint path, model path) in <paramref name="dir"/>.</summary>
    public static (string Checkpoint, string Model) Export(PolicyCheckpoint checkpoint, string dir)
    {
        Directory.CreateDirectory(dir);
        string ckpt = Path.Combine(dir, "policy.safetensors");
        string model = Path.Combine(dir, "policy.onnx");
        checkpoint.Save(ckpt);
        PolicyExporter.Export(ckpt, model);
        return (ckpt, model);
    }

    private static List<DenseLayer> Layers(int inputs, int[] hidden, int outputs, Pcg64 rng, float outputScale)
    {
        var layers = new List<DenseLayer>();
        int prev = inputs;
        foreach (int h in hidden.Append(outputs))
        {
            float scale = (h == outputs ? outputScale : 1f) / MathF.Sqrt(prev);
            var w = new float[h * prev];
            for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextGaussian() * scale;
            var b = new float[h];
            for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5) * 0.2f;
            layers.Add(new DenseLayer(prev, h, w, b));
            prev = h;
        }
        return layers;
    }
}
