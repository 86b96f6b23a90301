using TrpoEdge.Core.Checkpoints;
namespace TrpoEdge.Exporter.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void A_continuous_policy_exports_and_passes_the_checker()
    {
        using var dir = new TempDir();
        string ckpt = dir.File("c.safetensors");
        TestCheckpoints.Continuous().Save(ckpt);
        var s = PolicyExporter.Export(ckpt, dir.File("p.onnx"));
        Assert.Equal("", PythonOnnx.Check(s.OnnxPath));
        var r = ModelVerifier.Verify(s.OnnxPath, PolicyCheckpoint.Load(ckpt), s.CheckpointSha256);
        Assert.True(r.Passed, r.ToString());
        Console.WriteLine(r.ToString());
    }
}
