namespace TrpoEdge.Runtime.Tests.Models;

/// <summary>Builds ONNX ModelProto bytes (field numbers from onnx.proto) for tests: nodes, float
/// initialisers, typed inputs/outputs with symbolic or fixed dimensions, metadata_props.</summary>
internal sealed class OnnxModelBuilder
{
    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];
    private readonly List<KeyValuePair<string, string>> _metadata = [];

    public const int Float = 1;
    public const int Int64 = 7;

    public OnnxModelBuilder Input(string name, int elemType, params object[] dims)
    {
        _inputs.Add(ValueInfo(name, elemType, dims));
        return this;
    }

    public OnnxModelBuilder Output(string name, int elemType, params object[] dims)
    {
        _outputs.Add(ValueInfo(name, elemType, dims));
        return this;
    }

    public OnnxModelBuilder Initializer(string name, long[] dims, float[] values)
    {
        var t = new ProtoWriter();
        foreach (long d in dims) t.Varint(1, d);
        t.Varint(2, Float).String(8, name);
        byte[] raw = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
        t.Bytes(9, raw);
        _initializers.Add(t);
        return this;
    }

    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, params (string Name, long Value)[] intAttributes)
    {
        var n = new ProtoWriter();
        foreach (string i in inputs) n.String(1, i);
        foreach (string o in outputs) n.String(2, o);
        n.String(3, opType + "_" + _nodes.Count).String(4, opType);
        foreach (var (name, value) in intAttributes)
            n.Message(5, new ProtoWriter().String(1, name).Varint(3, value).Varint(20, 2));
        _nodes.Add(n);
        return this;
    }

    public OnnxModelBuilder Metadata(string key, string value)
    {
        _metadata.Add(new(key, value));
        return this;
    }

    public byte[] Build()
    {
        var graph = new ProtoWriter();
        foreach (var n in _nodes) graph.Message(1, n);
        graph.String(2, "test");
        foreach (var t in _initializers) graph.Message(5, t);
        foreach (var i in _inputs) graph.Message(11, i);
        foreach (var o in _outputs) graph.Message(12, o);
        var model = new ProtoWriter()
            .Varint(1, 8)
            .String(2, "trpoedge-tests")
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Varint(2, 17));
        foreach (var (k, v) in _metadata) model.Message(14, new ProtoWriter().String(1, k).String(2, v));
        return model.ToArray();
    }

    private static ProtoWriter ValueInfo(string name, int elemType, object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (object d in dims)
            shape.Message(1, d is string p ? new ProtoWriter().String(2, p) : new ProtoWriter().Varint(1, Convert.ToInt64(d)));
        var tensor = new ProtoWriter().Varint(1, elemType).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensor));
    }
}
