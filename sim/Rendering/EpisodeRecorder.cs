using TrpoEdge.Sim.Mujoco;
using TrpoEdge.Sim.Box2D;
using TrpoEdge.Sim.Rendering;

namespace TrpoEdge.Sim;

/// <summary>Records frames of an environment and saves them without any native dependency:
/// <c>.gif</c> (animated, own LZW encoder), <c>.svg</c> (animated with SMIL) or <c>.png</c> (the last frame).
/// Call <see cref="Capture"/> after Reset and after each Step. Supports Pendulum-v1, CartPole-v1, Acrobot-v1,
/// MountainCarContinuous-v0, rigs (nominal or randomised), the planar MuJoCo models (Hopper-v4, HalfCheetah-v4) and
/// the Box2D environments.</summary>
public sealed class EpisodeRecorder
{
    private readonly IEnv _env;
    private readonly List<List<Shape>> _frames = [];
    private readonly List<string[]> _captions = [];
    private int _width, _height;

    /// <summary>Video frames are the scene scaled by this (200 px scenes become 480 px) under a caption band.</summary>
    private const float VideoScale = 2.4f;
    private const int CaptionScale = 2, CaptionLines = 2, CaptionMargin = 8;
    private static readonly int CaptionBand = 2 * CaptionMargin + CaptionLines * BitmapFont.GlyphHeight * CaptionScale + (CaptionLines - 1) * 6;

    public EpisodeRecorder(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env is not (PendulumEnv or CartPoleEnv or AcrobotEnv or MountainCarContinuousEnv or RigEnv or RandomizedRigEnv or MujocoEnv or LunarLanderEnv or BipedalWalkerEnv))
            throw new NotSupportedException($"EpisodeRecorder cannot draw '{env.Id}' ({env.GetType().Name}); it draws the registry's environments and rigs.");
        _env = env;
    }

    public int FrameCount => _frames.Count;

    /// <summary>The recorded environment's id.</summary>
    public string EnvId => _env.Id;

    /// <summary>Draws the environment's current state as the next frame.</summary>
    public void Capture() => Capture([]);

    /// <summary>Draws the environment's current state as the next frame, with up to two caption lines (step, action,
    /// return) that video frames show above the scene.</summary>
    public void Capture(params string[] caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        if (caption.Length > CaptionLines)
            throw new ArgumentException($"A frame has room for {CaptionLines} caption lines; got {caption.Length}.", nameof(caption));
        List<Shape> shapes = _env switch
        {
            PendulumEnv p => SceneBuilder.Pendulum(p.Theta, Palette.Red, out _width, out _height),
            RigEnv r => SceneBuilder.Pendulum(r.Theta, Palette.Blue, out _width, out _height),
            RandomizedRigEnv rr => SceneBuilder.Pendulum(rr.Inner.Theta, Palette.Blue, out _width, out _height),
            CartPoleEnv c => SceneBuilder.CartPole(c.State.X, c.State.Theta, out _width, out _height),
            AcrobotEnv a => SceneBuilder.Acrobot(a.State.Theta1, a.State.Theta2, out _width, out _height),
            MountainCarContinuousEnv m => SceneBuilder.MountainCar(m.State.Position, out _width, out _height),
            MujocoEnv j => MujocoScene.Build(j, out _width, out _height),
            LunarLanderEnv l => Box2DScenes.LunarLander(l, out _width, out _height),
            BipedalWalkerEnv b => Box2DScenes.BipedalWalker(b, out _width, out _height),
            _ => throw new NotSupportedException(_env.Id),
        };
        _frames.Add(shapes);
        _captions.Add(caption);
    }

    /// <summary>Width of a video frame in pixels (at least 480, even as H.264's 4:2:0 needs).</summary>
    public int VideoWidth => Even((int)MathF.Round(_width * VideoScale));

    /// <summary>Height of a video frame in pixels: the scaled scene under the caption band (at least 480, even).</summary>
    public int VideoHeight => Even((int)MathF.Round(_height * VideoScale) + CaptionBand);

    private static int Even(int n) => n + (n & 1);

    /// <summary>Environment steps per second of real time, for the video's frame rate.</summary>
    public double ControlPeriod => _env.ControlPeriod;

    /// <summary>Frame <paramref name="index"/> as packed 8-bit RGB (rgb24), <see cref="VideoWidth"/> ×
    /// <see cref="VideoHeight"/>, top row first: the scene scaled up, its caption above it.</summary>
    public void RenderVideoFrame(int index, Span<byte> rgb24)
    {
        if ((uint)index >= (uint)_frames.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The recording has {_frames.Count} frames.");
        int w = VideoWidth, h = VideoHeight;
        if (rgb24.Length != w * h * 3)
            throw new ArgumentException($"An rgb24 frame of {w}×{h} needs {w * h * 3} bytes; got {rgb24.Length}.", nameof(rgb24));
        var scaled = new List<Shape>(_frames[index].Count);
        foreach (Shape s in _frames[index])
        {
            scaled.Add(s with
            {
                X0 = s.X0 * VideoScale, Y0 = s.Y0 * VideoScale + CaptionBand,
                X1 = s.X1 * VideoScale, Y1 = s.Y1 * VideoScale + CaptionBand,
                Size = s.Size * VideoScale,
            });
        }
        byte[] pixels = Rasterizer.Draw(scaled, w, h);
        string[] caption = _captions[index];
        for (int line = 0; line < caption.Length; line++)
        {
            int y = CaptionMargin + line * (BitmapFont.GlyphHeight * CaptionScale + 6);
            BitmapFont.Draw(caption[line], CaptionMargin, y, CaptionScale, Palette.Ink, pixels, w, h);
        }
        for (int y = CaptionBand - 2; y < CaptionBand; y++) // a rule between caption and scene
            pixels.AsSpan(y * w, w).Fill(Palette.Grey);
        for (int i = 0; i < pixels.Length; i++)
        {
            int c = pixels[i] * 3;
            rgb24[3 * i] = Palette.Rgb[c];
            rgb24[3 * i + 1] = Palette.Rgb[c + 1];
            rgb24[3 * i + 2] = Palette.Rgb[c + 2];
        }
    }

    /// <summary>Writes the recording; the extension picks the format (.gif, .svg, .png).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_frames.Count == 0)
            throw new InvalidOperationException("Nothing to save: call Capture() after Reset and after each Step first.");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        // Real-time playback where GIF allows it (delays are whole centiseconds, at least 2 in most viewers),
        // capped at 0.1 s so MountainCar's unit-less step does not crawl.
        int delay = Math.Clamp((int)Math.Round(_env.ControlPeriod * 100), 2, 10);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        switch (ext)
        {
            case ".gif":
            {
                var rasters = _frames.Select(f => Rasterizer.Draw(f, _width, _height)).ToList();
                using var fs = File.Create(path);
                GifWriter.Write(fs, rasters, _width, _height, Palette.Rgb, delay);
                break;
            }
            case ".png":
            {
                using var fs = File.Create(path);
                PngWriter.Write(fs, Rasterizer.Draw(_frames[^1], _width, _height), _width, _height, Palette.Rgb);
                break;
            }
            case ".svg":
                File.WriteAllText(path, SvgWriter.Write(_frames, _width, _height, delay / 100.0));
                break;
            default:
                throw new ArgumentException($"Cannot tell the format of '{path}': use .gif (animated), .svg (animated) or .png (last frame).", nameof(path));
        }
    }
}
