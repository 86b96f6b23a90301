using System.Buffers.Binary;
using System.IO.Compression;
using System.Xml.Linq;
using TrpoEdge.Sim.Rendering;

namespace TrpoEdge.Sim.Tests;

public sealed class RenderingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sim-render-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Bitwise CRC-32 written independently of the table-driven one under test.</summary>
    private static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        var data = new byte[1000];
        new System.Random(1).NextBytes(data);
        Assert.Equal(BitwiseCrc(data), Crc32.Compute(data));
        Assert.Equal(Crc32.Compute(data), Crc32.Append(Crc32.Compute(data.AsSpan(0, 300)), data.AsSpan(300)));
    }

    private static IEnv Record(string id, int steps, string path)
    {
        IEnv env = SaveRestoreTests.Make(id);
        var rec = new EpisodeRecorder(env);
        var obs = new float[env.ObservationSpace.FlatSize];
        env.Reset(1, obs);
        rec.Capture();
        for (int i = 0; i < steps; i++)
        {
            float a = env.ActionSpace is Spaces.DiscreteSpace ? i % 2 : 1f;
            env.Step([a], obs);
            rec.Capture();
        }
        Assert.Equal(steps + 1, rec.FrameCount);
        rec.Save(path);
        return env;
    }

    [Theory]
    [InlineData("Pendulum-v1")]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCarContinuous-v0")]
    [InlineData("rig:direct-drive")]
    public void A_png_of_the_last_frame_has_valid_chunks_crcs_and_image_data(string id)
    {
        string path = Path.Combine(_dir, "frame.png");
        Record(id, 5, path);
        byte[] png = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int pos = 8, width = 0, height = 0;
        var idat = new MemoryStream();
        var types = new List<string>();
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var body = png.AsSpan(pos + 8, len);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            Assert.Equal(BitwiseCrc(png.AsSpan(pos + 4, 4 + len)), crc);
            types.Add(type);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                Assert.Equal(8, body[8]); Assert.Equal(3, body[9]);
            }
            if (type == "IDAT") idat.Write(body);
            pos += 12 + len;
        }
        Assert.Equal(["IHDR", "PLTE", "IDAT", "IEND"], types);
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        byte[] pixels = raw.ToArray();
        Assert.Equal(height * (width + 1), pixels.Length);
        var colours = new HashSet<byte>();
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, pixels[y * (width + 1)]); // filter byte
            for (int x = 1; x <= width; x++) colours.Add(pixels[y * (width + 1) + x]);
        }
        Assert.True(colours.Count >= 3, "the frame should show background plus drawn parts");
        Assert.All(colours, c => Assert.InRange(c, (byte)0, (byte)7));
    }

    /// <summary>A GIF LZW decoder written from the GIF89a specification, independent of the encoder.</summary>
    private static byte[] LzwDecode(byte[] data, int minCodeSize, int expected)
    {
        int clear = 1 << minCodeSize, eoi = clear + 1;
        var prefix = new int[4096]; var suffix = new byte[4096]; var length = new int[4096];
        for (int i = 0; i < clear; i++) { prefix[i] = -1; suffix[i] = (byte)i; length[i] = 1; }
        var output = new List<byte>(expected);
        int size = minCodeSize + 1, next = eoi + 1, prev = -1, bitPos = 0;
        var tmp = new byte[4096];
        while (true)
        {
            int code = 0;
            for (int b = 0; b < size; b++, bitPos++)
                code |= ((data[bitPos >> 3] >> (bitPos & 7)) & 1) << b;
            if (code == clear) { size = minCodeSize + 1; next = eoi + 1; prev = -1; continue; }
            if (code == eoi) break;
            int emit = code;
            byte first;
            if (code < next)
            {
                int c = code, n = length[c];
                for (int i = n - 1; i >= 0; i--) { tmp[i] = suffix[c]; c = prefix[c]; }
                first = tmp[0];
                output.AddRange(tmp.AsSpan(0, n).ToArray());
            }
            else
            {
                Assert.Equal(next, code); // the KwKwK case
                int c = prev, n = length[c];
                for (int i = n - 1; i >= 0; i--) { tmp[i] = suffix[c]; c = prefix[c]; }
                first = tmp[0];
                tmp[n] = first;
                output.AddRange(tmp.AsSpan(0, n + 1).ToArray());
            }
            if (prev >= 0 && next < 4096)
            {
                prefix[next] = prev; suffix[next] = first; length[next] = length[prev] + 1;
                next++;
                if (next == (1 << size) && size < 12) size++;
            }
            prev = emit;
        }
        return output.ToArray();
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(7, 3)]
    [InlineData(50_000, 3)]     // long enough to fill the table and emit clear codes
    [InlineData(20_000, 2)]
    public void Lzw_codes_decode_back_to_the_pixels(int count, int minCodeSize)
    {
        var rng = new System.Random(count);
        var pixels = new byte[count];
        for (int i = 0; i < count; i++) pixels[i] = (byte)(rng.Next(4) == 0 ? rng.Next(1 << Math.Min(minCodeSize, 3)) : (i / 37) % 3);
        byte[] code = GifWriter.Lzw(pixels, minCodeSize);
        Assert.Equal(pixels, LzwDecode(code, minCodeSize, count));
    }

    [Fact]
    public void An_animated_gif_has_one_image_per_captured_frame_that_decodes_to_its_size()
    {
        string path = Path.Combine(_dir, "episode.gif");
        Record("Pendulum-v1", 12, path);
        byte[] gif = File.ReadAllBytes(path);
        Assert.Equal("GIF89a", System.Text.Encoding.ASCII.GetString(gif, 0, 6));
        int width = BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(6)), height = BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(8));
        Assert.Equal(0xF2, gif[10]); // global table of 8 colours
        int pos = 13 + 8 * 3, images = 0, delays = 0;
        var frames = new List<byte[]>();
        while (gif[pos] != 0x3B)
        {
            if (gif[pos] == 0x21)
            {
                if (gif[pos + 1] == 0xF9) { Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(pos + 4))); delays++; }
                pos += 2;
                while (gif[pos] != 0) pos += gif[pos] + 1;
                pos++;
            }
            else
            {
                Assert.Equal(0x2C, gif[pos]);
                Assert.Equal(width, BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(pos + 5)));
                int min = gif[pos + 10];
                pos += 11;
                var data = new MemoryStream();
                while (gif[pos] != 0) { data.Write(gif, pos + 1, gif[pos]); pos += gif[pos] + 1; }
                pos++;
                frames.Add(LzwDecode(data.ToArray(), min, width * height));
                images++;
            }
        }
        Assert.Equal(pos, gif.Length - 1);
        Assert.Equal(13, images);
        Assert.Equal(13, delays);
        Assert.All(frames, f => Assert.Equal(width * height, f.Length));
        Assert.NotEqual(frames[0], frames[12]); // the pendulum moved
    }

    [Fact]
    public void An_animated_svg_is_well_formed_with_one_group_per_frame()
    {
        string path = Path.Combine(_dir, "episode.svg");
        Record("CartPole-v1", 9, path);
        var doc = XDocument.Load(path);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(10, doc.Root!.Elements(ns + "g").Count());
        Assert.All(doc.Root.Elements(ns + "g"), g => Assert.NotNull(g.Element(ns + "animate")));
    }

    [Fact]
    public void Saving_needs_frames_and_a_known_extension()
    {
        var rec = new EpisodeRecorder(new PendulumEnv());
        Assert.Throws<InvalidOperationException>(() => rec.Save(Path.Combine(_dir, "x.gif")));
        var env = new PendulumEnv();
        env.Reset(1, new float[3]);
        rec = new EpisodeRecorder(env);
        rec.Capture();
        Assert.Contains(".gif", Assert.Throws<ArgumentException>(() => rec.Save(Path.Combine(_dir, "x.bmp"))).Message);
    }
}
