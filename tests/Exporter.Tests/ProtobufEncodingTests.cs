using Google.Protobuf;
using TrpoEdge.Exporter.Onnx;
using TrpoEdge.Exporter.Onnx.Proto;
using DataType = TrpoEdge.Exporter.Onnx.Proto.TensorProto.Types.DataType;

namespace TrpoEdge.Exporter.Tests;

/// <summary>Byte-exact encodings worked out by hand from the protobuf wire format (tag = field &lt;&lt; 3 | wire
/// type) and ONNX's field numbers: a wrong field number in onnx.proto cannot pass these.</summary>
public sealed class ProtobufEncodingTests
{
    [Fact]
    public void Ir_version_is_field_1_and_opset_import_is_field_8()
    {
        var m = new ModelProto { IrVersion = 8 };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        // 08 08: field 1 varint 8. 42 02 10 11: field 8 length-delimited, 2 bytes: field 2 varint 17.
        Assert.Equal(new byte[] { 0x08, 0x08, 0x42, 0x02, 0x10, 0x11 }, m.ToByteArray());
    }

    [Fact]
    public void Metadata_props_are_field_14_with_key_1_and_value_2()
    {
        var m = new ModelProto();
        m.MetadataProps.Add(new StringStringEntryProto { Key = "k", Value = "v" });
        // 72 = 14 << 3 | 2; inner: 0A 01 'k' 12 01 'v'.
        Assert.Equal(new byte[] { 0x72, 0x06, 0x0A, 0x01, (byte)'k', 0x12, 0x01, (byte)'v' }, m.ToByteArray());
    }

    [Fact]
    public void Model_version_is_field_5_and_graph_is_field_7()
    {
        var m = new ModelProto { ModelVersion = 300, Graph = new GraphProto { Name = "g" } };
        // 28 AC 02: field 5 varint 300. 3A 03 12 01 'g': field 7, graph name is field 2.
        Assert.Equal(new byte[] { 0x28, 0xAC, 0x02, 0x3A, 0x03, 0x12, 0x01, (byte)'g' }, m.ToByteArray());
    }

    [Fact]
    public void A_float_initializer_is_little_endian_raw_data_in_field_9()
    {
        var g = new OnnxGraphBuilder("g");
        g.AddInitializer("w", [1f, -2f], 2);
        g.AddInput("x", DataType.Float, 2);
        g.AddOutput("x", DataType.Float, 2);
        TensorProto t = g.Build(new OnnxModelHeader { IrVersion = 8, Opset = 17, ProducerName = "p" }).Graph.Initializer[0];
        // dims (field 1): 08 02; data_type (field 2) FLOAT: 10 01; name (field 8): 42 01 'w';
        // raw_data (field 9): 4A 08 | 1.0f = 00 00 80 3F | -2.0f = 00 00 00 C0.
        Assert.Equal(new byte[] { 0x08, 0x02, 0x10, 0x01, 0x42, 0x01, (byte)'w', 0x4A, 0x08, 0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0 },
            t.ToByteArray());
    }

    [Fact]
    public void An_int_attribute_of_zero_is_still_written_with_its_type_in_field_20()
    {
        AttributeProto a = OnnxAttributes.Int("keepdims", 0);
        // name (field 1): 0A 08 "keepdims"; i (field 3) = 0: 18 00; type (field 20, varint) INT = 2: A0 01 02.
        byte[] expected = [0x0A, 0x08, .. "keepdims"u8.ToArray(), 0x18, 0x00, 0xA0, 0x01, 0x02];
        Assert.Equal(expected, a.ToByteArray());
    }

    [Fact]
    public void A_symbolic_dimension_is_dim_param_field_2_and_a_fixed_one_dim_value_field_1()
    {
        var g = new OnnxGraphBuilder("g");
        g.AddInput("x", DataType.Float, OnnxDim.Symbolic("b"), 3);
        g.AddOutput("x", DataType.Float, OnnxDim.Symbolic("b"), 3);
        ValueInfoProto v = g.Build(new OnnxModelHeader { IrVersion = 8, Opset = 17, ProducerName = "p" }).Graph.Input[0];
        // name: 0A 01 'x'; type (field 2): 12 0F; tensor_type (field 1): 0A 0D; elem_type: 08 01;
        // shape (field 2): 12 09; dim: 0A 03 [12 01 'b'] and 0A 02 [08 03].
        Assert.Equal(new byte[] { 0x0A, 0x01, (byte)'x', 0x12, 0x0F, 0x0A, 0x0D, 0x08, 0x01, 0x12, 0x09,
            0x0A, 0x03, 0x12, 0x01, (byte)'b', 0x0A, 0x02, 0x08, 0x03 }, v.ToByteArray());
    }
}
