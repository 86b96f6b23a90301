using TrpoEdge.Sim.Rendering;

namespace TrpoEdge.Sim;

/// <summary>Records frames of an environment and saves them without any native dependency:
/// <c>.gif</c> (animated, own LZW encoder), <c>.svg</c> (animated with SMIL) or <c>.png</c> (the last frame).
/// Call <see cref="Capture"/> after Reset and after each Step. Supports Pendulum-v1, CartPole-v1, Acrobot-v1,
/// MountainCarContinuous-v0 and rigs (nominal or randomised).</summary>
public sealed class EpisodeRecorder
{
    private readonly IEnv _env;
    private readonly List<List<Shape>> _frames = [];
    private int _width, _height;

    public EpisodeRecorder(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env is not (PendulumEnv or CartPoleEnv or AcrobotEnv or MountainCarContinuousEnv or RigEnv or RandomizedRigEnv))
            throw new NotSupportedException($"EpisodeRecorder cannot draw '{env.Id}' ({env.GetType().Name}); it draws the registry's environments and rigs.");
        _env = env;
    }

    public int FrameCount => _frames.Count;

    /// <summary>Draws the environment's current state as the next frame.</summary>
    public void Capture()
    {
        List<Shape> shapes = _env switch
        {
            PendulumEnv p => SceneBuilder.Pendulum(p.Theta, Palette.Red, out _width, out _height),
            RigEnv r => SceneBuilder.Pendulum(r.Theta, Palette.Blue, out _width, out _height),
            RandomizedRigEnv rr => SceneBuilder.Pendulum(rr.Inner.Theta, Palette.Blue, out _width, out _height),
            CartPoleEnv c => SceneBuilder.CartPole(c.State.X, c.State.Theta, out _width, out _height),
            AcrobotEnv a => SceneBuilder.Acrobot(a.State.Theta1, a.State.Theta2, out _width, out _height),
            MountainCarContinuousEnv m => SceneBuilder.MountainCar(m.State.Position, out _width, out _height),
            _ => throw new NotSupportedException(_env.Id),
        };
        _frames.Add(shapes);
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
