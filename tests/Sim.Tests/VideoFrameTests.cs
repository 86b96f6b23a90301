using TrpoEdge.Sim.Rendering;

namespace TrpoEdge.Sim.Tests;

/// <summary>The rgb24 frames videos are made of: at least 480×480 and even for every environment, the caption drawn
/// in ink above the scene, the scene below it, and the 5×7 font's glyphs distinct.</summary>
public sealed class VideoFrameTests
{
    public static TheoryData<string> Ids => new() { "Pendulum-v1", "CartPole-v1", "Acrobot-v1", "MountainCarContinuous-v0" };

    private static (EpisodeRecorder Recorder, byte[] Rgb) OneFrame(string id, params string[] caption)
    {
        IEnv env = EnvRegistry.Make(id);
        env.Reset(0, new float[env.ObservationSpace.FlatSize]);
        var recorder = new EpisodeRecorder(env);
        recorder.Capture(caption);
        var rgb = new byte[recorder.VideoWidth * recorder.VideoHeight * 3];
        recorder.RenderVideoFrame(0, rgb);
        return (recorder, rgb);
    }

    private static int InkPixels(byte[] rgb, int width, int y0, int y1)
    {
        int n = 0;
        for (int y = y0; y < y1; y++)
        for (int x = 0; x < width; x++)
        {
            int i = 3 * (y * width + x);
            if (rgb[i] == 20 && rgb[i + 1] == 20 && rgb[i + 2] == 20) n++; // Palette.Ink
        }
        return n;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Frames_are_at_least_480_square_even_and_show_the_caption_above_the_scene(string id)
    {
        var (recorder, blank) = OneFrame(id);
        var (_, captioned) = OneFrame(id, "STEP 12   RETURN -3.50", "ACTION +1.000");
        int w = recorder.VideoWidth, h = recorder.VideoHeight;
        Assert.True(w >= 480 && h >= 480, $"{w}×{h}");
        Assert.True(w % 2 == 0 && h % 2 == 0, $"{w}×{h} must be even for yuv420p");
        Assert.Equal(0, InkPixels(blank, w, 0, 40));
        Assert.True(InkPixels(captioned, w, 0, 40) > 300, "the caption band has no text");
        // Below the band the two frames are the same scene, and it is not empty.
        Assert.Equal(blank.AsSpan(3 * w * 52).ToArray(), captioned.AsSpan(3 * w * 52).ToArray());
        Assert.Contains(blank.AsSpan(3 * w * 52).ToArray(), b => b != 255);
    }

    [Fact]
    public void Different_text_draws_different_pixels_and_every_glyph_is_distinct()
    {
        var (recorder, a) = OneFrame("Pendulum-v1", "STEP 1", "ACTION +0.500");
        var (_, b) = OneFrame("Pendulum-v1", "STEP 7", "ACTION -0.500");
        Assert.NotEqual(a, b);
        string chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.,-+:/=()[]_";
        var seen = new HashSet<string>();
        foreach (char c in chars)
        {
            var bits = new char[BitmapFont.GlyphWidth * BitmapFont.GlyphHeight];
            for (int r = 0; r < BitmapFont.GlyphHeight; r++)
                for (int col = 0; col < BitmapFont.GlyphWidth; col++) bits[r * BitmapFont.GlyphWidth + col] = BitmapFont.Ink(c, col, r) ? '#' : '.';
            Assert.True(seen.Add(new string(bits)), $"glyph '{c}' looks like another");
        }
        Assert.Equal(BitmapFont.Ink('a', 0, 3), BitmapFont.Ink('A', 0, 3)); // lower case drawn as capitals
        _ = recorder;
    }

    [Fact]
    public void Bad_arguments_are_refused_with_the_expected_sizes()
    {
        var (recorder, _) = OneFrame("CartPole-v1");
        Assert.Throws<ArgumentOutOfRangeException>(() => recorder.RenderVideoFrame(1, new byte[recorder.VideoWidth * recorder.VideoHeight * 3]));
        var e = Assert.Throws<ArgumentException>(() => recorder.RenderVideoFrame(0, new byte[10]));
        Assert.Contains($"{recorder.VideoWidth * recorder.VideoHeight * 3} bytes", e.Message);
        Assert.Throws<ArgumentException>(() => recorder.Capture("1", "2", "3"));
    }
}
