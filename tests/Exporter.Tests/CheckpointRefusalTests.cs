using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Exporter.Tests;

/// <summary>Broken checkpoint files, made by editing a good file's tensors directly with the safetensors
/// writer, are refused before anything is written, with a message naming the tensor.</summary>
public sealed class CheckpointRefusalTests
{
    [Fact]
    public void A_checkpoint_with_a_NaN_weight_is_refused_naming_the_tensor()
    {
        using var dir = new TempDir();
        string path = Broken(dir, tensors =>
        {
            Tensor t = tensors["policy.1.weight"];
            float[] w = t.ToFloats();
            w[17] = float.NaN;
            tensors["policy.1.weight"] = Tensor.F32(t.Name, t.Shape, w);
        });
        AssertRefused(path, dir.File("p.onnx"), "policy.1.weight");
    }

    [Fact]
    public void A_checkpoint_missing_log_std_is_refused_naming_the_tensor()
    {
        using var dir = new TempDir();
        string path = Broken(dir, tensors => tensors.Remove("policy.log_std"));
        AssertRefused(path, dir.File("p.onnx"), "policy.log_std");
    }

    [Fact]
    public void A_checkpoint_with_a_mismatched_bias_shape_is_refused_naming_the_tensor()
    {
        using var dir = new TempDir();
        string path = Broken(dir, tensors =>
        {
            Tensor t = tensors["policy.0.bias"];
            tensors["policy.0.bias"] = Tensor.F32(t.Name, [t.Shape[0] - 1], t.ToFloats().AsSpan(1));
        });
        AssertRefused(path, dir.File("p.onnx"), "policy.0.bias");
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused_naming_the_file()
    {
        using var dir = new TempDir();
        string path = dir.File("ckpt.safetensors");
        TestCheckpoints.Continuous(hidden: [8]).Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        AssertRefused(path, dir.File("p.onnx"), "ckpt.safetensors");
    }

    [Fact]
    public void A_missing_checkpoint_file_says_so_and_names_the_path()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ExportInputException>(() => PolicyExporter.Export(dir.File("nope.safetensors"), dir.File("p.onnx")));
        Assert.Contains("nope.safetensors", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void An_in_memory_checkpoint_with_an_infinite_bias_is_refused_naming_the_tensor()
    {
        // In-memory checkpoints never pass through PolicyCheckpoint.Load: the exporter checks them itself.
        PolicyCheckpoint good = TestCheckpoints.Discrete(hidden: [8, 8]);
        var layers = good.PolicyLayers.ToArray();
        float[] bias = (float[])layers[2].Bias.Clone();
        bias[1] = float.PositiveInfinity;
        layers[2] = new DenseLayer(layers[2].In, layers[2].Out, layers[2].Weight, bias);
        using var dir = new TempDir();
        var e = Assert.Throws<ExportInputException>(() =>
            PolicyExporter.Export(good with { PolicyLayers = layers }, new string('0', 64), dir.File("p.onnx")));
        Assert.Contains("policy.2.bias", e.Message);
        Assert.False(File.Exists(dir.File("p.onnx")));
    }

    [Fact]
    public void An_existing_output_is_kept_unless_overwriting_is_allowed()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("c.safetensors");
        TestCheckpoints.Discrete(hidden: [4]).Save(ckpt);
        string onnx = dir.File("p.onnx");
        File.WriteAllText(onnx, "keep me");
        var e = Assert.Throws<ExportInputException>(() => PolicyExporter.Export(ckpt, onnx, overwrite: false));
        Assert.Contains("--force", e.Message);
        Assert.Equal("keep me", File.ReadAllText(onnx));
        PolicyExporter.Export(ckpt, onnx, overwrite: true);
        Assert.NotEqual("keep me", File.ReadAllText(onnx));
        Assert.Single(Directory.GetFiles(dir.Path, "p.onnx*"));
    }

    /// <summary>Saves a good checkpoint, then rewrites its tensors through <paramref name="edit"/>.</summary>
    private static string Broken(TempDir dir, Action<Dictionary<string, Tensor>> edit)
    {
        string path = dir.File("ckpt.safetensors");
        TestCheckpoints.Continuous(hidden: [16, 16]).Save(path);
        SafeTensorsContent content = SafeTensors.Read(path);
        var tensors = new Dictionary<string, Tensor>(content.Tensors);
        edit(tensors);
        SafeTensors.Write(path, tensors.Values.ToList(), content.Metadata);
        return path;
    }

    private static void AssertRefused(string checkpoint, string onnx, string named)
    {
        var e = Assert.Throws<ExportInputException>(() => PolicyExporter.Export(checkpoint, onnx));
        Assert.Contains(named, e.Message);
        Assert.Contains("refused", e.Message);
        Assert.False(File.Exists(onnx), "nothing may be written for a refused checkpoint");
    }
}
