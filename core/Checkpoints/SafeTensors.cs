using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TrpoEdge.Core.Checkpoints;

/// <summary>Reader and writer of the safetensors format (reference/file-formats.md): an 8-byte little-endian
/// header length N, N bytes of UTF-8 JSON mapping tensor names to {dtype, shape, data_offsets}, then the
/// data buffer. Written files have tensors in the order given, packed without gaps, <c>__metadata__</c> first
/// with keys in ordinal order, and the header padded with spaces to a multiple of 8 so the data is aligned.
/// The reader enforces the format's rules: no overlaps, no holes, nothing past the end.</summary>
public static class SafeTensors
{
    public const string MetadataKey = "__metadata__";

    /// <summary>Headers above this are refused before allocation; the reference implementation uses the same
    /// 100 MB cap, and a checkpoint's header is a few kilobytes.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keep '"', '+', '<' and non-ASCII readable in nested JSON metadata instead of \u0022 escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Writes the file atomically (temp file + rename).</summary>
    public static void Write(string path, IReadOnlyList<Tensor> tensors, IReadOnlyDictionary<string, string> metadata) =>
        AtomicFile.WriteAllBytes(path, Serialize(tensors, metadata));

    /// <summary>The complete file content.</summary>
    public static byte[] Serialize(IReadOnlyList<Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Tensor t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            if (!names.Add(t.Name)) throw new ArgumentException($"Tensor name '{t.Name}' appears twice; names must be unique.", nameof(tensors));
        }

        var json = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(json, WriterOptions))
        {
            w.WriteStartObject();
            if (metadata.Count > 0)
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    ArgumentNullException.ThrowIfNull(value, $"metadata[{key}]");
                    w.WriteString(key, value);
                }
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (Tensor t in tensors)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", DTypes.Name(t.DType));
                w.WriteStartArray("shape");
                foreach (long d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + t.Data.LongLength);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += t.Data.LongLength;
            }
            w.WriteEndObject();
        }

        int headerLength = (json.WrittenCount + 7) / 8 * 8;
        long dataLength = tensors.Sum(t => t.Data.LongLength);
        var file = new byte[checked(8 + headerLength + dataLength)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerLength);
        json.WrittenSpan.CopyTo(file.AsSpan(8));
        file.AsSpan(8 + json.WrittenCount, headerLength - json.WrittenCount).Fill((byte)' ');
        long position = 8 + headerLength;
        foreach (Tensor t in tensors)
        {
            t.Data.CopyTo(file.AsSpan((int)position));
            position += t.Data.LongLength;
        }
        return file;
    }

    /// <summary>1 GiB: far above any policy, critic and optimiser state this toolkit trains.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Reads and validates a file. Any defect raises <see cref="InvalidDataException"/> naming the file
    /// and the tensor or field at fault.</summary>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
            throw new InvalidDataException($"Checkpoint '{path}' is a folder; give the file inside it (e.g. {Path.Combine(path, "ckpt.safetensors")}).");
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"Checkpoint file '{path}' does not exist.", path);
        // Checked before reading: a wrong path (a disk image, a sparse file) is refused without being loaded whole.
        if (info.Length > MaxFileBytes)
            throw Bad(path, $"the file is {info.Length:N0} bytes, more than the {MaxFileBytes:N0} a TrpoEdge checkpoint can be; check the path");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new FileNotFoundException($"Checkpoint file '{path}' does not exist.", path); }
        return Parse(bytes, path);
    }

    /// <summary>Parses file content; <paramref name="source"/> names it in error messages.</summary>
    public static SafeTensorsContent Parse(ReadOnlySpan<byte> file, string source)
    {
        if (file.Length < 8)
            throw Bad(source, $"the file is {file.Length} bytes, shorter than the 8-byte header length; it is truncated or not a safetensors file");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (n > (ulong)(file.Length - 8))
            throw Bad(source, $"the header length field says {n} bytes but only {file.Length - 8} bytes follow it; the file is truncated or not a safetensors file");
        if (n > MaxHeaderBytes)
            throw Bad(source, $"the header length {n} exceeds the {MaxHeaderBytes}-byte limit");
        if (n < 2 || file[8] != (byte)'{')
            throw Bad(source, "the header does not start with '{'; this is not a safetensors file");
        ReadOnlySpan<byte> header = file.Slice(8, (int)n);
        ReadOnlySpan<byte> buffer = file[(8 + (int)n)..];

        // JsonDocument accepts invalid UTF-8 inside strings and only fails when a name is decoded; check up front.
        if (!Utf8.IsValid(header))
            throw Bad(source, "the header is not valid UTF-8");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header.ToArray()); }
        catch (JsonException e) { throw Bad(source, $"the header is not valid JSON ({e.Message})"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad(source, $"the header is a JSON {doc.RootElement.ValueKind}, not an object");

            var metadata = new OrderedDictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<HeaderEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(p.Name)) throw Bad(source, $"the header names '{p.Name}' twice");
                if (p.Name == MetadataKey) ReadMetadata(p.Value, metadata, source);
                else entries.Add(ReadEntry(p.Name, p.Value, source, entries.Count));
            }
            return new SafeTensorsContent(Slice(entries, buffer, source), metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, OrderedDictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(source, $"\"{MetadataKey}\" is a JSON {value.ValueKind}; it must be an object of strings");
        foreach (JsonProperty m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw Bad(source, $"metadata key '{m.Name}' holds a JSON {m.Value.ValueKind}; safetensors metadata values must be strings (nest JSON as a string)");
            if (!metadata.TryAdd(m.Name, m.Value.GetString()!))
                throw Bad(source, $"metadata key '{m.Name}' appears twice");
        }
    }

    private static HeaderEntry ReadEntry(string name, JsonElement value, string source, int headerIndex)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad(source, $"tensor '{name}' is described by a JSON {value.ValueKind}, not an object");
        if (!value.TryGetProperty("dtype", out JsonElement dt) || dt.ValueKind != JsonValueKind.String)
            throw Bad(source, $"tensor '{name}' lacks a string \"dtype\"");
        string dtName = dt.GetString()!;
        if (!DTypes.TryParse(dtName, out DType dtype))
            throw Bad(source, $"tensor '{name}' has unknown dtype \"{dtName}\" (known: {DTypes.KnownNames})");
        long[] shape = ReadIntegers(value, "shape", name, source, out _);
        ReadIntegers(value, "data_offsets", name, source, out ulong[] offsets);
        if (offsets.Length != 2)
            throw Bad(source, $"tensor '{name}' has {offsets.Length} data_offsets; expected [begin, end]");
        if (offsets[1] < offsets[0])
            throw Bad(source, $"tensor '{name}' has data_offsets [{offsets[0]}, {offsets[1]}] with end before begin");
        long count;
        try
        {
            count = Tensor.ElementCountOf(shape, name);
            // The byte count must fit too: shape [2^61] of F64 would otherwise wrap to 0 bytes.
            _ = checked(count * DTypes.SizeOf(dtype));
        }
        catch (ArgumentException e) { throw Bad(source, e.Message); }
        catch (OverflowException) { throw Bad(source, $"tensor '{name}' shape {Tensor.FormatShape(shape)} of {dtName} needs more bytes than fit in 64 bits"); }
        return new HeaderEntry(name, dtype, shape, offsets[0], offsets[1], count, headerIndex);
    }

    /// <summary>Reads an array of non-negative integers (as long for shapes, ulong for offsets).</summary>
    private static long[] ReadIntegers(JsonElement value, string key, string name, string source, out ulong[] asUnsigned)
    {
        if (!value.TryGetProperty(key, out JsonElement a) || a.ValueKind != JsonValueKind.Array)
            throw Bad(source, $"tensor '{name}' lacks an array \"{key}\"");
        var signed = new long[a.GetArrayLength()];
        asUnsigned = new ulong[signed.Length];
        int i = 0;
        foreach (JsonElement e in a.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetUInt64(out ulong u) || u > long.MaxValue)
                throw Bad(source, $"tensor '{name}' \"{key}\"[{i}] is {e.GetRawText()}; expected a non-negative integer");
            asUnsigned[i] = u;
            signed[i++] = (long)u;
        }
        return signed;
    }

    /// <summary>Checks that the entries tile the buffer exactly, then copies each tensor's bytes out.</summary>
    private static OrderedDictionary<string, Tensor> Slice(List<HeaderEntry> entries, ReadOnlySpan<byte> buffer, string source)
    {
        foreach (HeaderEntry e in entries)
        {
            if (e.End > (ulong)buffer.Length)
                throw Bad(source, $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] reach past the end of the {buffer.Length}-byte data buffer; the file is truncated or the header is wrong");
            ulong expected = (ulong)e.Count * (ulong)DTypes.SizeOf(e.DType);
            if (e.End - e.Begin != expected)
                throw Bad(source, $"tensor '{e.Name}' of {DTypes.Name(e.DType)} with shape {Tensor.FormatShape(e.Shape)} needs {expected} bytes but its data_offsets [{e.Begin}, {e.End}] span {e.End - e.Begin}");
        }
        // Ties (empty tensors at the same offset) keep header order, so the result is deterministic.
        var ordered = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ThenBy(e => e.HeaderIndex).ToList();
        var tensors = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        ulong cursor = 0;
        string? previous = null;
        foreach (HeaderEntry e in ordered)
        {
            if (e.Begin < cursor)
                throw Bad(source, $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] overlap tensor '{previous}', which ends at {cursor}");
            if (e.Begin > cursor)
                throw Bad(source, previous is null
                    ? $"the data buffer has a hole: {e.Begin} unused bytes before the first tensor '{e.Name}'"
                    : $"the data buffer has a hole: {e.Begin - cursor} unused bytes between tensor '{previous}' (ends at {cursor}) and tensor '{e.Name}' (begins at {e.Begin})");
            tensors.Add(e.Name, new Tensor(e.Name, e.DType, e.Shape, buffer.Slice((int)e.Begin, (int)(e.End - e.Begin)).ToArray()));
            cursor = e.End;
            previous = e.Name;
        }
        if (cursor != (ulong)buffer.Length)
            throw Bad(source, $"the data buffer has a hole: {(ulong)buffer.Length - cursor} bytes after the last tensor{(previous is null ? "" : $" '{previous}'")} belong to no tensor");
        return tensors;
    }

    private static InvalidDataException Bad(string source, string what) =>
        new($"Safetensors file '{source}' is invalid: {what}.");
}
