using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Sim.Random;
using TrpoEdge.Core.Spaces;
using TrpoEdge.Exporter;

namespace TrpoEdge.Bench;

/// <summary><c>bench export [repeats]</c>: what exporting a policy costs, against a baseline measured in the same
/// run — loading the same checkpoint (which every export must do) and writing the same number of raw bytes.
/// Cases: graph build + serialisation in memory, the whole <see cref="PolicyExporter.Export(string, string)"/>
/// (load, validate, build, atomic durable write, hash; the fsync dominates, hence the fsync baseline) and
/// <c>--verify</c> (ONNX Runtime on 10,000 random + 1,000 recorded + 256 clip-probe observations against the
/// reference forward pass).</summary>
public static class ExportBench
{
    public static int Run(string[] args)
    {
        int repeats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        Console.WriteLine($"export bench: best of {repeats}, {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}");
        string dir = Path.Combine(Path.GetTempPath(), "trpoedge-export-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (int[] hidden in new[] { new[] { 64, 64 }, new[] { 256, 256 } })
                Case(dir, hidden, repeats);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
        return 0;
    }

    private static void Case(string dir, int[] hidden, int repeats)
    {
        PolicyCheckpoint ckpt = MakeCheckpoint(hidden);
        string ckptPath = Path.Combine(dir, "ckpt.safetensors");
        string onnxPath = Path.Combine(dir, "policy.onnx");
        string sha = ckpt.Save(ckptPath);
        ExportSummary first = PolicyExporter.Export(ckptPath, onnxPath);
        byte[] modelBytes = File.ReadAllBytes(onnxPath);
        string rawPath = Path.Combine(dir, "raw.bin");

        Console.WriteLine();
        Console.WriteLine($"policy obs 3 → [{string.Join(",", hidden)}] → 1: {first.ParameterCount:N0} parameters, "
            + $"checkpoint {new FileInfo(ckptPath).Length:N0} bytes, model {first.FileBytes:N0} bytes");
        Console.WriteLine($"{"case",-66} {"ms",10} {"time vs load",14}");

        double load = Best(repeats, () => PolicyCheckpoint.Load(ckptPath));
        Print("baseline: PolicyCheckpoint.Load", load, load);
        Print("baseline: write + read the model's bytes raw", Best(repeats, () =>
        {
            File.WriteAllBytes(rawPath, modelBytes);
            File.ReadAllBytes(rawPath);
        }), load);
        Print("baseline: write the model's bytes + fsync + rename", Best(repeats, () =>
        {
            using (var fs = new FileStream(rawPath + ".tmp", FileMode.Create, FileAccess.Write))
            {
                fs.Write(modelBytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(rawPath + ".tmp", rawPath, overwrite: true);
        }), load);
        Print("PolicyGraphBuilder.Build + serialise (in memory)", Best(repeats, () => PolicyGraphBuilder.Build(ckpt, sha).ToByteArray()), load);
        double export = Best(repeats, () => PolicyExporter.Export(ckptPath, onnxPath));
        Print("PolicyExporter.Export (load, build, write, hash)", export, load);
        double verify = Best(Math.Max(1, repeats / 10), () =>
        {
            VerificationReport r = ModelVerifier.Verify(onnxPath, ckpt, sha);
            if (!r.Passed) throw new InvalidOperationException(r.ToString());
        });
        Print("ModelVerifier.Verify (10,000 random + 1,000 recorded + 256 probes)", verify, load);
        Console.WriteLine($"export of [{string.Join(",", hidden)}]: {export:F2} ms ({(export < 1000 ? "well under" : "OVER")} one second)");
    }

    private static void Print(string name, double ms, double baseline) =>
        Console.WriteLine($"{name,-66} {ms,10:F3} {ms / baseline,13:F2}x");

    private static double Best(int repeats, Action action)
    {
        action();
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return best;
    }

    private static PolicyCheckpoint MakeCheckpoint(int[] hidden)
    {
        var rng = new Pcg64(7);
        const int obs = 3;
        return new PolicyCheckpoint
        {
            EnvId = "Pendulum-v1",
            ObservationSpace = SpaceSpec.Box([-1f, -1f, -8f], [1f, 1f, 8f]),
            ActionSpace = SpaceSpec.Box([-2f], [2f]),
            ControlPeriod = 0.05,
            Hidden = hidden,
            Activation = "tanh",
            PolicyLayers = Layers(rng, obs, hidden, 1),
            ValueLayers = Layers(rng, obs, hidden, 1),
            LogStd = [-0.5f],
            ObsNorm = new ObservationNormState([0.1, -0.05, 0.3], [0.4, 0.5, 9.0], 1e5, 10f, 1e-8f),
            PolicyVersion = 1,
            RecordedObservations = Enumerable.Range(0, 1000 * obs).Select(i => (float)(rng.NextGaussian() * (i % obs == 2 ? 3 : 0.7))).ToArray(),
        };
    }

    private static DenseLayer[] Layers(Pcg64 rng, int inputs, int[] hidden, int outputs)
    {
        int[] sizes = [inputs, .. hidden, outputs];
        var layers = new DenseLayer[sizes.Length - 1];
        for (int i = 0; i < layers.Length; i++)
        {
            var w = new float[sizes[i] * sizes[i + 1]];
            for (int k = 0; k < w.Length; k++) w[k] = (float)(rng.NextGaussian() / Math.Sqrt(sizes[i]));
            layers[i] = new DenseLayer(sizes[i], sizes[i + 1], w, new float[sizes[i + 1]]);
        }
        return layers;
    }
}
