using TrpoEdge.Exporter.Onnx;
using DataType = TrpoEdge.Exporter.Onnx.Proto.TensorProto.Types.DataType;

namespace TrpoEdge.Exporter.Tests;

public sealed class OnnxGraphBuilderTests
{
    private static OnnxModelHeader Header => new() { IrVersion = 8, Opset = 17, ProducerName = "test" };

    [Fact]
    public void Defining_a_tensor_name_twice_is_refused_naming_it()
    {
        var g = new OnnxGraphBuilder("g");
        g.AddInput("x", DataType.Float, 1);
        var e = Assert.Throws<InvalidOperationException>(() => g.AddInitializer("x", [1f], 1));
        Assert.Contains("\"x\"", e.Message);
    }

    [Fact]
    public void A_node_may_not_consume_a_name_defined_later()
    {
        var g = new OnnxGraphBuilder("g");
        g.AddInput("x", DataType.Float, 1);
        var e = Assert.Throws<InvalidOperationException>(() => g.AddNode("Add", ["x", "later"], ["y"]));
        Assert.Contains("\"later\"", e.Message);
    }

    [Fact]
    public void Unique_names_never_collide_with_defined_or_reserved_names()
    {
        var g = new OnnxGraphBuilder("g");
        g.AddInput("h", DataType.Float, 1);
        g.AddInitializer("h_1", [0f], 1);
        string[] names = Enumerable.Range(0, 5).Select(_ => g.UniqueName("h")).ToArray();
        Assert.Equal(["h_2", "h_3", "h_4", "h_5", "h_6"], names);
        Assert.Equal(names.Length, names.Distinct().Count());
        Assert.Equal("fresh", g.UniqueName("fresh"));
        Assert.Equal("fresh_1", g.UniqueName("fresh"));
    }

    [Fact]
    public void An_initializer_whose_values_do_not_fill_its_shape_is_refused()
    {
        var g = new OnnxGraphBuilder("g");
        var e = Assert.Throws<ArgumentException>(() => g.AddInitializer("w", [1f, 2f, 3f], 2, 2));
        Assert.Contains("3 values", e.Message);
        Assert.Contains("[2, 2]", e.Message);
    }

    [Fact]
    public void Node_names_are_unique_even_for_repeated_operators()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", DataType.Float, 2);
        string a = g.AddNode("Tanh", "t", [x]);
        string b = g.AddNode("Tanh", "t", [a]);
        g.AddOutput(b, DataType.Float, 2);
        var model = g.Build(Header);
        Assert.Equal(["Tanh", "Tanh_1"], model.Graph.Node.Select(n => n.Name));
        Assert.Equal(["t", "t_1"], model.Graph.Node.Select(n => n.Output[0]));
    }

    [Fact]
    public void Duplicate_metadata_keys_are_refused()
    {
        var g = new OnnxGraphBuilder("g");
        string x = g.AddInput("x", DataType.Float, 1);
        g.AddOutput(x, DataType.Float, 1);
        var e = Assert.Throws<ArgumentException>(() => g.Build(Header with { Metadata = [new("k", "1"), new("k", "2")] }));
        Assert.Contains("\"k\"", e.Message);
    }

    [Fact]
    public void A_graph_with_every_operator_the_policy_uses_passes_the_official_checker()
    {
        // Per-dimension Max/Min, scalar Clip, Shape+Expand and ArgMax with keepdims = 0 (an attribute whose value
        // is the default, which must still be written for proto2 readers).
        var g = new OnnxGraphBuilder("ops");
        OnnxDim batch = OnnxDim.Symbolic("batch");
        string x = g.AddInput("x", DataType.Float, batch, 3);
        string lo = g.AddScalar("lo", -1f), hi = g.AddScalar("hi", 1f);
        string c = g.AddNode("Clip", "c", [x, lo, hi]);
        string w = g.AddInitializer("w", [1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        string b = g.AddInitializer("b", [0.5f, -0.5f], 2);
        string y = g.AddNode("Gemm", "y", [c, w, b], OnnxAttributes.Int("transB", 1));
        string low = g.AddInitializer("low", [-1f, -2f], 2), high = g.AddInitializer("high", [1f, 2f], 2);
        string m = g.AddNode("Max", "m", [y, low]);
        g.AddNode("Min", [m, high], ["clipped"]);
        g.AddNode("ArgMax", [y], ["arg"], OnnxAttributes.Int("axis", 1), OnnxAttributes.Int("keepdims", 0));
        string shape = g.AddNode("Shape", "s", [y]);
        string ls = g.AddInitializer("ls", [0.1f, 0.2f], 2);
        g.AddNode("Expand", [ls, shape], ["e"]);
        g.AddOutput("clipped", DataType.Float, batch, 2);
        g.AddOutput("arg", DataType.Int64, batch);
        g.AddOutput("e", DataType.Float, batch, 2);
        using var dir = new TempDir();
        string path = dir.File("ops.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(g.Build(Header)));

        Assert.Equal("", PythonOnnx.Check(path));
        var (code, stdout, stderr) = PythonOnnx.Run(
            "import onnx,sys; m=onnx.load(sys.argv[1]); a=[n for n in m.graph.node if n.op_type=='ArgMax'][0]; "
            + "print([(x.name, x.HasField('i'), x.i) for x in a.attribute])", path);
        Assert.True(code == 0, stderr);
        Assert.Equal("[('axis', True, 1), ('keepdims', True, 0)]", stdout.Trim());
    }
}
