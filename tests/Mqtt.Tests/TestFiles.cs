using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Exporter;

namespace TrpoEdge.Mqtt.Tests;

/// <summary>Temp folders, the repository's rig files, and real policy models made by the project's own exporter.</summary>
internal static class TestFiles
{
    public static string RepoRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "TrpoEdge.sln"))) dir = Path.GetDirectoryName(dir);
            return dir ?? throw new InvalidOperationException("TrpoEdge.sln not found above the test folder.");
        }
    }

    public static string DirectDriveRig => Path.Combine(RepoRoot, "hardware", "rigs", "direct-drive.yaml");

    private static readonly Lazy<string> Root = new(() =>
    {
        string root = Path.Combine(Path.GetTempPath(), $"trpoedge-mqtt-test-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        // Everything the tests write lives under one folder per test process, removed when the process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return root;
    });

    public static string NewTempDir()
    {
        string d = Path.Combine(Root.Value, Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>A seeded random [16, 16] tanh policy for <paramref name="envId"/> (3 observations, 1 action in
    /// [-1, 1], 0.05 s period), saved and exported to ONNX in <paramref name="dir"/>.</summary>
    public static string ExportPolicy(string dir, string envId = "Rig:direct-drive", long version = 1, ulong seed = 1, string name = "policy", double controlPeriod = 0.05)
    {
        var rng = new Pcg64(seed);
        List<DenseLayer> Layers(int outputs)
        {
            var layers = new List<DenseLayer>();
            int prev = 3;
            foreach (int h in new[] { 16, 16, outputs })
            {
                var w = new float[h * prev];
                for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextGaussian() / MathF.Sqrt(prev);
                layers.Add(new DenseLayer(prev, h, w, new float[h]));
                prev = h;
            }
            return layers;
        }
        var checkpoint = new PolicyCheckpoint
        {
            EnvId = envId,
            ObservationSpace = SpaceSpec.Box([-1, -1, -8], [1, 1, 8]),
            ActionSpace = SpaceSpec.Box([-1], [1]),
            ControlPeriod = controlPeriod,
            Hidden = [16, 16],
            Activation = "tanh",
            PolicyLayers = Layers(1),
            ValueLayers = Layers(1),
            LogStd = [-0.5f],
            ObsNorm = new ObservationNormState([0, 0, 0], [1, 1, 4], 100, 10f, 1e-8f),
            PolicyVersion = version,
            TotalSteps = 1000,
        };
        string ckpt = Path.Combine(dir, name + ".safetensors");
        string model = Path.Combine(dir, name + ".onnx");
        checkpoint.Save(ckpt);
        PolicyExporter.Export(ckpt, model, overwrite: true);
        return model;
    }
}
