using System.Buffers.Binary;
using System.Text;
using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Core.Tests.Checkpoints;

public sealed class SafeTensorsTests
{
    /// <summary>Assembles a file by hand: length prefix, header text, data.</summary>
    private static byte[] RawFile(string header, byte[] data, ulong? lengthField = null)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, lengthField ?? (ulong)h.Length);
        h.CopyTo(file, 8);
        data.CopyTo(file, 8 + h.Length);
        return file;
    }

    private static InvalidDataException Rejects(byte[] file, string source = "bad.safetensors") =>
        Assert.Throws<InvalidDataException>(() => SafeTensors.Parse(file, source));

    [Fact]
    public void A_small_file_is_byte_for_byte_what_the_format_specifies()
    {
        byte[] written = SafeTensors.Serialize(
            [Tensor.F32("a", [2], [1.0f, -2.0f]), Tensor.I64("b", [1], [5])],
            new Dictionary<string, string> { ["k"] = "v" });

        // Header: 133 bytes of JSON, padded with 3 spaces to 136 (a multiple of 8) so the data is 8-aligned.
        const string header = "{\"__metadata__\":{\"k\":\"v\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}   ";
        var expected = new List<byte> { 136, 0, 0, 0, 0, 0, 0, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes(header));
        expected.AddRange([0x00, 0x00, 0x80, 0x3F]);                          // 1.0f  = 0x3F800000 little-endian
        expected.AddRange([0x00, 0x00, 0x00, 0xC0]);                          // -2.0f = 0xC0000000
        expected.AddRange([0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);  // 5L
        Assert.Equal(expected.ToArray(), written);
    }

    [Fact]
    public void Round_trip_preserves_every_bit_including_nan_payloads_and_negative_zero()
    {
        float[] floats = [0f, -0f, float.Epsilon, float.MaxValue, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7FC12345), 1e-30f];
        double[] doubles = [Math.PI, -0.0, double.Epsilon, BitConverter.Int64BitsToDouble(0x7FF8DEADBEEF0001)];
        long[] longs = [long.MinValue, -1, 0, long.MaxValue];
        var f16 = new Tensor("half", DType.F16, [2, 1], [0x00, 0x3C, 0xFF, 0x7B]);
        var empty = Tensor.F32("empty", [0, 4], []);
        var scalar = Tensor.F64("scalar", [], [2.5]);
        var meta = new Dictionary<string, string> { ["json"] = "{\"a\": [1, \"x<y>&+é\"]}", ["empty"] = "" };
        using var dir = new TempDir();
        string path = dir.File("rt.safetensors");
        Tensor[] tensors = [Tensor.F32("f", [7], floats), Tensor.F64("d", [2, 2], doubles), Tensor.I64("l", [4], longs), f16, empty, scalar];
        SafeTensors.Write(path, tensors, meta);

        SafeTensorsContent read = SafeTensors.Read(path);
        Assert.Equal(tensors.Select(t => t.Name), read.Tensors.Keys);
        foreach (Tensor t in tensors)
        {
            Tensor r = read.Tensors[t.Name];
            Assert.Equal(t.DType, r.DType);
            Assert.Equal(t.Shape, r.Shape);
            Assert.Equal(t.Data, r.Data);
        }
        Assert.Equal(floats.Select(BitConverter.SingleToInt32Bits), read.Tensors["f"].ToFloats().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(doubles.Select(BitConverter.DoubleToInt64Bits), read.Tensors["d"].ToDoubles().Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(longs, read.Tensors["l"].ToInt64s());
        Assert.Equal(meta.OrderBy(kv => kv.Key), read.Metadata.OrderBy(kv => kv.Key));
        Assert.Equal(File.ReadAllBytes(path), SafeTensors.Serialize(tensors, meta));
    }

    [Fact]
    public void Tensors_are_returned_in_data_order_whatever_the_header_order()
    {
        byte[] data = new byte[12];
        byte[] file = RawFile("{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                              + "\"first\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", data);
        Assert.Equal(["first", "second"], SafeTensors.Parse(file, "x").Tensors.Keys);
    }

    [Fact]
    public void A_file_shorter_than_the_length_prefix_is_refused()
    {
        var e = Rejects([1, 2, 3]);
        Assert.Contains("bad.safetensors", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused_naming_the_tensor_that_reaches_past_the_end()
    {
        byte[] whole = SafeTensors.Serialize([Tensor.F32("w", [4], [1, 2, 3, 4]), Tensor.F32("tail", [2], [5, 6])], new Dictionary<string, string>());
        var e = Rejects(whole[..^3]);
        Assert.Contains("'tail'", e.Message);
        Assert.Contains("past the end", e.Message);
    }

    [Fact]
    public void A_header_longer_than_the_file_is_refused()
    {
        byte[] whole = SafeTensors.Serialize([Tensor.F32("w", [1], [1])], new Dictionary<string, string>());
        var e = Rejects(whole[..20]);
        Assert.Contains("header length", e.Message);
    }

    [Fact]
    public void A_huge_header_length_is_refused_without_allocating_it()
    {
        byte[] file = RawFile("{}", [], lengthField: ulong.MaxValue);
        Assert.Contains("header length field says 18446744073709551615", Rejects(file).Message);
    }

    [Fact]
    public void Corrupt_header_json_is_refused()
    {
        Assert.Contains("not valid JSON", Rejects(RawFile("{\"w\":{\"dtype\":\"F32\",", [])).Message);
        Assert.Contains("not start with '{'", Rejects(RawFile("[1, 2]  ", [])).Message);
    }

    [Fact]
    public void Overlapping_tensors_are_refused_naming_both()
    {
        var e = Rejects(RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]));
        Assert.Contains("'b'", e.Message);
        Assert.Contains("overlap tensor 'a'", e.Message);
    }

    [Fact]
    public void A_hole_between_tensors_is_refused()
    {
        var e = Rejects(RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]));
        Assert.Contains("hole", e.Message);
        Assert.Contains("'a'", e.Message);
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void Bytes_after_the_last_tensor_are_a_hole_too()
    {
        var e = Rejects(RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[6]));
        Assert.Contains("2 bytes after the last tensor 'a'", e.Message);
    }

    [Fact]
    public void Offsets_past_the_end_are_refused()
    {
        var e = Rejects(RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]));
        Assert.Contains("'a'", e.Message);
        Assert.Contains("past the end of the 8-byte data buffer", e.Message);
    }

    [Fact]
    public void An_unknown_dtype_is_refused_listing_the_known_ones()
    {
        var e = Rejects(RawFile("{\"a\":{\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]));
        Assert.Contains("'a'", e.Message);
        Assert.Contains("\"F8\"", e.Message);
        Assert.Contains("BF16", e.Message);
    }

    [Fact]
    public void A_shape_that_disagrees_with_the_byte_count_is_refused()
    {
        var e = Rejects(RawFile("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]));
        Assert.Contains("'a'", e.Message);
        Assert.Contains("needs 12 bytes", e.Message);
    }

    [Fact]
    public void Non_string_metadata_is_refused_naming_the_key()
    {
        var e = Rejects(RawFile("{\"__metadata__\":{\"ok\":\"x\",\"steps\":5}}", []));
        Assert.Contains("'steps'", e.Message);
        Assert.Contains("must be strings", e.Message);
    }

    [Fact]
    public void A_name_listed_twice_is_refused()
    {
        var e = Rejects(RawFile("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                                + "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", new byte[2]));
        Assert.Contains("'a' twice", e.Message);
    }

    [Fact]
    public void Writing_refuses_duplicate_names_and_a_tensor_with_the_wrong_byte_count()
    {
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize([Tensor.F32("a", [1], [1]), Tensor.F32("a", [1], [2])], new Dictionary<string, string>()));
        var e = Assert.Throws<ArgumentException>(() => Tensor.F32("w", [2, 2], [1, 2, 3]));
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void A_shape_whose_byte_count_overflows_is_refused_not_wrapped()
    {
        // 2^61 doubles are 2^64 bytes, which wraps to 0 in unsigned 64-bit arithmetic and would match [0, 0].
        var e = Rejects(RawFile("{\"a\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],\"data_offsets\":[0,0]}}", []));
        Assert.Contains("'a'", e.Message);
        Assert.Contains("64 bits", e.Message);
    }

    [Fact]
    public void Random_corruption_is_either_read_or_refused_with_InvalidDataException_never_a_crash()
    {
        byte[] good = SafeTensors.Serialize(
            [Tensor.F32("w", [3, 2], [1, 2, 3, 4, 5, 6]), Tensor.I64("n", [1], [9]), Tensor.F64("e", [0], [])],
            new Dictionary<string, string> { ["k"] = "v" });
        var rng = new TrpoEdge.Sim.Random.Pcg64(77);
        int refused = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] file = (byte[])good.Clone();
            int edits = 1 + (int)(rng.NextUInt64() % 4);
            for (int k = 0; k < edits; k++)
            {
                int at = (int)(rng.NextUInt64() % (ulong)file.Length);
                // Mostly printable JSON-ish bytes so many mutations survive the JSON parser and reach the checks.
                file[at] = (rng.NextUInt64() % 2 == 0) ? (byte)"0123456789[]{},:\" -"[(int)(rng.NextUInt64() % 16)] : (byte)rng.NextUInt64();
            }
            if (rng.NextUInt64() % 8 == 0) file = file[..(int)(rng.NextUInt64() % (ulong)file.Length)];
            try { SafeTensors.Parse(file, "fuzz"); }
            catch (InvalidDataException) { refused++; }
        }
        Assert.InRange(refused, 1000, 3000);
    }

    [PythonFact]
    public void An_independent_python_reader_parses_our_file_and_sees_the_same_values()
    {
        using var dir = new TempDir();
        string path = dir.File("peer.safetensors");
        SafeTensors.Write(path, [Tensor.F32("w", [2, 3], [1.5f, -2f, 0.25f, 3f, -0f, 1e-3f]), Tensor.I64("n", [1], [1L << 40]), Tensor.F64("m", [2], [0.1, -1e300])],
            new Dictionary<string, string> { ["k"] = "{\"nested\": true}" });

        var peer = PythonPeer.Read(path);
        Assert.Equal(0, peer["header_len"]!.GetValue<int>() % 8);
        Assert.Equal(["w", "n", "m"], peer["order"]!.AsArray().Select(n => n!.GetValue<string>()));
        var w = peer["tensors"]!["w"]!;
        Assert.Equal("F32", w["dtype"]!.GetValue<string>());
        Assert.Equal([2, 3], w["shape"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal([0, 24], w["data_offsets"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal([1.5, -2, 0.25, 3, 0, (double)1e-3f], w["values"]!.AsArray().Select(n => n!.GetValue<double>()));
        Assert.Equal(1L << 40, peer["tensors"]!["n"]!["values"]![0]!.GetValue<long>());
        Assert.Equal([0.1, -1e300], peer["tensors"]!["m"]!["values"]!.AsArray().Select(n => n!.GetValue<double>()));
        Assert.Equal("{\"nested\": true}", peer["metadata"]!["k"]!.GetValue<string>());
    }

    [PythonFact]
    public void A_file_written_by_the_independent_python_writer_reads_back_exactly()
    {
        using var dir = new TempDir();
        string path = dir.File("from-python.safetensors");
        PythonPeer.Write(path);

        SafeTensorsContent content = SafeTensors.Read(path);
        Assert.Equal(["counts", "weights", "scale"], content.Tensors.Keys);
        Assert.Equal([-7L, 1L << 40], content.Tensors["counts"].ToInt64s());
        Assert.Equal([1.5f, -2.25f, 3.0f], content.Tensors["weights"].ToFloats());
        Assert.Empty(content.Tensors["scale"].Shape);
        Assert.Equal([0.1], content.Tensors["scale"].ToDoubles());
        Assert.Equal("python", content.Metadata["source"]);
        Assert.Equal("{\"x\": [1, 2]}", content.Metadata["nested"]);
    }
}
