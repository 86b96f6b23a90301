using System.Globalization;
using System.Text.Json;
using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Contracts;
using TrpoEdge.Core.Spaces;

namespace TrpoEdge.Exporter.Tests;

/// <summary>Exported models as ONNX's own Python package (Debian's python3-onnx) reads and checks them.</summary>
public sealed class PolicyExportTests
{
    public static TheoryData<string> Shapes => new(PolicyShapes.Names);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_exported_policy_passes_the_full_onnx_checker_and_reads_back_as_the_contract(string shape)
    {
        PolicyCheckpoint ckpt = PolicyShapes.Make(shape);
        using var dir = new TempDir();
        string ckptPath = dir.File("ckpt.safetensors");
        string sha = ckpt.Save(ckptPath);
        ExportSummary summary = PolicyExporter.Export(ckptPath, dir.File("policy.onnx"));

        JsonElement m = PythonOnnx.Describe(summary.OnnxPath);
        Assert.Equal("ok", m.GetProperty("check").GetString());
        // ONNX's own serializer writes our bytes back unchanged: same fields, numbers, wire types and order.
        Assert.True(m.GetProperty("reserialized_identical").GetBoolean());
        Assert.Equal(8, m.GetProperty("ir_version").GetInt64());
        Assert.Equal("[[\"\",17]]", m.GetProperty("opset").GetRawText().Replace(" ", ""));
        Assert.Equal(PolicyModelContract.ProducerName, m.GetProperty("producer_name").GetString());
        Assert.Equal(ckpt.PolicyVersion, m.GetProperty("model_version").GetInt64());

        int obs = ckpt.ObservationSpace.Size, head = ckpt.ActionSpace.Size;
        Assert.Equal($"[{{\"name\":\"obs\",\"elem_type\":1,\"shape\":[\"batch\",{obs}]}}]", Compact(m.GetProperty("inputs")));
        string outputs = ckpt.ActionSpace.Kind == SpaceKind.Discrete
            ? $"[{{\"name\":\"action\",\"elem_type\":7,\"shape\":[\"batch\"]}},{{\"name\":\"logits\",\"elem_type\":1,\"shape\":[\"batch\",{head}]}}]"
            : $"[{{\"name\":\"action\",\"elem_type\":1,\"shape\":[\"batch\",{head}]}},{{\"name\":\"action_mean\",\"elem_type\":1,\"shape\":[\"batch\",{head}]}},"
              + $"{{\"name\":\"action_log_std\",\"elem_type\":1,\"shape\":[\"batch\",{head}]}}]";
        Assert.Equal(outputs, Compact(m.GetProperty("outputs")));

        var metadata = m.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(7, metadata.Count);
        Assert.Equal("1", metadata[PolicyModelContract.Metadata.FormatVersion]);
        Assert.Equal(ckpt.EnvId, metadata[PolicyModelContract.Metadata.EnvId]);
        Assert.Equal(ckpt.ObservationSpace, SpaceSpec.Parse(metadata[PolicyModelContract.Metadata.ObservationSpace]!));
        Assert.Equal(ckpt.ActionSpace, SpaceSpec.Parse(metadata[PolicyModelContract.Metadata.ActionSpace]!));
        Assert.Equal(ckpt.ControlPeriod, double.Parse(metadata[PolicyModelContract.Metadata.ControlPeriod]!, CultureInfo.InvariantCulture));
        Assert.Equal("42", metadata[PolicyModelContract.Metadata.PolicyVersion]);
        Assert.Equal(sha, metadata[PolicyModelContract.Metadata.CheckpointSha256]);
        Assert.Equal(PolicyCheckpoint.Sha256Of(ckptPath), sha);

        // The weights travel unchanged (float32 → double in numpy is exact).
        JsonElement inits = m.GetProperty("initializers");
        for (int i = 0; i < ckpt.PolicyLayers.Count; i++)
        {
            DenseLayer layer = ckpt.PolicyLayers[i];
            JsonElement w = inits.GetProperty($"policy.{i}.weight");
            Assert.Equal([layer.Out, layer.In], w.GetProperty("dims").EnumerateArray().Select(d => d.GetInt32()));
            Assert.Equal(layer.Weight, w.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()));
            Assert.Equal(layer.Bias, inits.GetProperty($"policy.{i}.bias").GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()));
        }
        Assert.Equal(summary.FileSha256, PolicyCheckpoint.Sha256Of(summary.OnnxPath));
        Assert.Equal(new FileInfo(summary.OnnxPath).Length, summary.FileBytes);
    }

    [Fact]
    public void The_graph_uses_the_contract_operators_in_order()
    {
        using var dir = new TempDir();
        string c = dir.File("c.safetensors"), d = dir.File("d.safetensors");
        TestCheckpoints.Continuous(hidden: [64, 64], low: [-1f, -2f], high: [1f, 2f], actDim: 2).Save(c);
        TestCheckpoints.Discrete(hidden: [8], activation: "relu").Save(d);
        var cont = PythonOnnx.Describe(PolicyExporter.Export(c, dir.File("c.onnx")).OnnxPath).GetProperty("ops");
        var disc = PythonOnnx.Describe(PolicyExporter.Export(d, dir.File("d.onnx")).OnnxPath).GetProperty("ops");
        Assert.Equal(["Sub", "Div", "Clip", "Gemm", "Tanh", "Gemm", "Tanh", "Gemm", "Max", "Min", "Shape", "Expand"],
            cont.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["Sub", "Div", "Clip", "Gemm", "Relu", "Gemm", "ArgMax"], disc.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Parameter_count_is_weights_biases_and_log_std()
    {
        using var dir = new TempDir();
        string c = dir.File("c.safetensors");
        TestCheckpoints.Continuous(obsDim: 3, hidden: [64, 64], actDim: 1).Save(c);
        // (3·64 + 64) + (64·64 + 64) + (64·1 + 1) + 1 log_std = 256 + 4160 + 65 + 1.
        Assert.Equal(4482, PolicyExporter.Export(c, dir.File("p.onnx")).ParameterCount);
    }

    private static string Compact(JsonElement e) => JsonSerializer.Serialize(e);
}
