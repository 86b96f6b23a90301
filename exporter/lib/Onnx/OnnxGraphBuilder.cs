using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using TrpoEdge.Exporter.Onnx.Proto;

namespace TrpoEdge.Exporter.Onnx;

/// <summary>Builds an ONNX graph in topological order. Every tensor name is defined exactly once
/// (a graph input, an initializer or a node output) and a node may only consume names defined before
/// it, so a finished graph is already in the order the ONNX checker demands and mistakes surface at
/// the call that made them, not as a checker error about the whole file.</summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);
    private readonly HashSet<string> _outputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reserved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _stemCounts = new(StringComparer.Ordinal);
    private bool _built;

    public OnnxGraphBuilder(string graphName)
    {
        if (string.IsNullOrWhiteSpace(graphName)) throw new ArgumentException("A graph needs a non-empty name.", nameof(graphName));
        _graph = new GraphProto { Name = graphName };
    }

    /// <summary>Parameters held as initializers, counted in elements.</summary>
    public long InitializerElementCount { get; private set; }

    /// <summary>A name not yet used by any tensor, made from <paramref name="stem"/> ("stem", "stem_1", ...).
    /// The name is reserved: it will not be handed out again.</summary>
    public string UniqueName(string stem)
    {
        if (string.IsNullOrWhiteSpace(stem)) throw new ArgumentException("A name stem must not be empty.", nameof(stem));
        int n = _stemCounts.GetValueOrDefault(stem);
        string name;
        do { name = n == 0 ? stem : $"{stem}_{n}"; n++; } while (_reserved.Contains(name));
        _stemCounts[stem] = n;
        _reserved.Add(name);
        return name;
    }

    public string AddInput(string name, TensorProto.Types.DataType elementType, params OnnxDim[] shape)
    {
        Define(name, "graph input");
        _graph.Input.Add(ValueInfo(name, elementType, shape));
        return name;
    }

    // raw_data is little-endian by specification; copy element-wise on big-endian hosts.
    public string AddInitializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        AddRawInitializer(name, TensorProto.Types.DataType.Float, values.Length, dims,
            BitConverter.IsLittleEndian ? MemoryMarshal.AsBytes(values) : ToLittleEndian(values));

    public string AddInitializer(string name, ReadOnlySpan<long> values, params long[] dims) =>
        AddRawInitializer(name, TensorProto.Types.DataType.Int64, values.Length, dims,
            BitConverter.IsLittleEndian ? MemoryMarshal.AsBytes(values) : ToLittleEndian(values));

    private string AddRawInitializer(string name, TensorProto.Types.DataType type, int count, long[] dims, ReadOnlySpan<byte> littleEndian)
    {
        CheckCount(name, count, dims);
        Define(name, "initializer");
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(littleEndian) };
        t.Dims.Add(dims);
        _graph.Initializer.Add(t);
        InitializerElementCount += count;
        return name;
    }

    /// <summary>A float32 scalar (shape []), the form Clip's optional min and max inputs require.</summary>
    public string AddScalar(string name, float value) => AddInitializer(name, [value]);

    /// <summary>Adds a node of the default (ai.onnx) domain. Inputs must already be defined ("" marks an
    /// omitted optional input); outputs must be new names. Returns the outputs for chaining.</summary>
    public IReadOnlyList<string> AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        params AttributeProto[] attributes)
    {
        if (string.IsNullOrWhiteSpace(opType)) throw new ArgumentException("A node needs an operator type.", nameof(opType));
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0) throw new ArgumentException($"A {opType} node needs at least one output.", nameof(outputs));
        foreach (string input in inputs)
            if (input.Length != 0 && !_defined.Contains(input))
                throw new InvalidOperationException(
                    $"{opType} node consumes \"{input}\", which no graph input, initializer or earlier node defines. Add it first.");
        var attributeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (AttributeProto a in attributes)
            if (!attributeNames.Add(a.Name))
                throw new ArgumentException($"{opType} node has attribute \"{a.Name}\" twice.", nameof(attributes));
        foreach (string output in outputs) Define(output, $"{opType} output");

        string nodeName = opType;
        for (int k = 1; !_nodeNames.Add(nodeName); k++) nodeName = $"{opType}_{k}";
        var node = new NodeProto { OpType = opType, Name = nodeName };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Adds a one-output node whose output gets a fresh name made from <paramref name="outputStem"/>.</summary>
    public string AddNode(string opType, string outputStem, IReadOnlyList<string> inputs, params AttributeProto[] attributes) =>
        AddNode(opType, inputs, [UniqueName(outputStem)], attributes)[0];

    /// <summary>Declares an already-defined tensor as a graph output with its element type and shape.</summary>
    public void AddOutput(string name, TensorProto.Types.DataType elementType, params OnnxDim[] shape)
    {
        if (!_defined.Contains(name))
            throw new InvalidOperationException($"Graph output \"{name}\" is not defined by any input, initializer or node.");
        if (!_outputs.Add(name)) throw new InvalidOperationException($"\"{name}\" is already a graph output.");
        _graph.Output.Add(ValueInfo(name, elementType, shape));
    }

    /// <summary>Sets the doc_string of a graph input or output, so the model file itself says what it means.</summary>
    public void Document(string name, string docString)
    {
        ValueInfoProto info = _graph.Input.Concat(_graph.Output).FirstOrDefault(v => v.Name == name)
            ?? throw new InvalidOperationException($"\"{name}\" is neither a graph input nor a graph output.");
        info.DocString = docString;
    }

    public ModelProto Build(OnnxModelHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        header.Validate();
        if (_built) throw new InvalidOperationException("Build was already called; a builder makes one model.");
        if (_graph.Input.Count == 0) throw new InvalidOperationException("The graph has no inputs.");
        if (_graph.Output.Count == 0) throw new InvalidOperationException("The graph has no outputs.");
        _built = true;
        var model = new ModelProto
        {
            IrVersion = header.IrVersion,
            ProducerName = header.ProducerName,
            ProducerVersion = header.ProducerVersion,
            ModelVersion = header.ModelVersion,
            DocString = header.DocString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = header.Opset });
        foreach (var (key, value) in header.Metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private void Define(string name, string what)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException($"A {what} needs a non-empty name.");
        if (!_defined.Add(name))
            throw new InvalidOperationException($"Tensor name \"{name}\" (a {what}) is already defined; every ONNX tensor name must be unique.");
        _reserved.Add(name);
    }

    private static void CheckCount(string name, int count, long[] dims)
    {
        long expected = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw new ArgumentException($"Initializer \"{name}\" has negative dimension {d}.");
            expected *= d;
        }
        if (expected != count)
            throw new ArgumentException(
                $"Initializer \"{name}\" has {count} values but shape [{string.Join(", ", dims)}] holds {expected}.");
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType elementType, OnnxDim[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (OnnxDim d in shape)
            tensorShape.Dim.Add(d.IsSymbolic
                ? new TensorShapeProto.Types.Dimension { DimParam = d.Param }
                : new TensorShapeProto.Types.Dimension { DimValue = d.Value });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = tensorShape } },
        };
    }

    private static byte[] ToLittleEndian(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return bytes;
    }

    private static byte[] ToLittleEndian(ReadOnlySpan<long> values)
    {
        var bytes = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        return bytes;
    }
}
