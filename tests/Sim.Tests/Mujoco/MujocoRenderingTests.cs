using TrpoEdge.Sim.Mujoco;
using TrpoEdge.Sim.Rendering;

namespace TrpoEdge.Sim.Tests.Mujoco;

/// <summary>The side-on drawing of the planar models: geoms land where the MJCF puts them, recording does not
/// perturb the simulation, and a recorded episode saves as an animated GIF.</summary>
public sealed class MujocoRenderingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mujoco-render-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_hoppers_capsules_are_drawn_where_the_model_puts_them()
    {
        // At qpos0 (no noise): the torso runs from z 1.05 to 1.45 on x = 0 (radius 0.05), the foot from x −0.13 to
        // 0.26 at z 0.1 (radius 0.06). 100 px per metre, the floor at y 185, the camera on the torso's x at 160 px.
        using var env = new HopperEnv();
        env.SetState([0, 1.25, 0, 0, 0, 0], new double[6]);
        List<Shape> shapes = MujocoScene.Build(env, out int w, out int h);
        Assert.Equal((320, 200), (w, h));
        AssertSegment(shapes, 160, 185 - 105, 160, 185 - 145, 10);
        AssertSegment(shapes, 160 - 13, 175, 160 + 26, 175, 12);

        // Moving the hopper 1 m forward keeps it centred (the camera tracks) but shifts the floor ticks.
        var ticksBefore = shapes.Where(s => s.Kind == ShapeKind.Line && s.Color == Palette.Grey).Select(s => s.X0).ToArray();
        env.SetState([1.25, 1.25, 0, 0, 0, 0], new double[6]);
        shapes = MujocoScene.Build(env, out _, out _);
        AssertSegment(shapes, 160, 80, 160, 40, 10);
        var ticksAfter = shapes.Where(s => s.Kind == ShapeKind.Line && s.Color == Palette.Grey).Select(s => s.X0).ToArray();
        Assert.NotEqual(ticksBefore, ticksAfter);
    }

    private static void AssertSegment(List<Shape> shapes, float x0, float y0, float x1, float y1, float size)
    {
        static bool Near(float a, float b) => Math.Abs(a - b) < 0.01f;
        bool found = shapes.Any(s => s.Kind == ShapeKind.Line && Near(s.Size, size) &&
            ((Near(s.X0, x0) && Near(s.Y0, y0) && Near(s.X1, x1) && Near(s.Y1, y1)) ||
             (Near(s.X0, x1) && Near(s.Y0, y1) && Near(s.X1, x0) && Near(s.Y1, y0))));
        Assert.True(found, $"no segment ({x0}, {y0})–({x1}, {y1}) of width {size} among: " +
            string.Join("; ", shapes.Where(s => s.Kind == ShapeKind.Line).Select(s => $"({s.X0}, {s.Y0})–({s.X1}, {s.Y1}) w {s.Size}")));
    }

    [Theory]
    [InlineData("Hopper-v4")]
    [InlineData("HalfCheetah-v4")]
    public void Recording_an_episode_saves_a_gif_and_leaves_the_trajectory_unchanged(string id)
    {
        var plain = Run(EnvRegistry.Make(id), null);
        IEnv env = EnvRegistry.Make(id);
        var rec = new EpisodeRecorder(env);
        var recorded = Run(env, rec);
        Assert.Equal(plain, recorded);
        Assert.Equal(61, rec.FrameCount);
        string path = Path.Combine(_dir, id + ".gif");
        rec.Save(path);
        byte[] gif = File.ReadAllBytes(path);
        Assert.Equal("GIF89a"u8.ToArray(), gif[..6]);
        Assert.Equal(320, gif[6] | gif[7] << 8);
        var frame = new byte[rec.VideoWidth * rec.VideoHeight * 3];
        rec.RenderVideoFrame(30, frame);
        Assert.Contains(frame, b => b != 255);
    }

    private static List<double> Run(IEnv env, EpisodeRecorder? rec)
    {
        var obs = new float[env.ObservationSpace.FlatSize];
        var a = new float[env.ActionSpace.FlatSize];
        var rewards = new List<double>();
        env.Reset(4, obs);
        rec?.Capture();
        for (int t = 0; t < 60; t++)
        {
            for (int i = 0; i < a.Length; i++) a[i] = (float)Math.Sin(0.3 * t + i);
            rewards.Add(env.Step(a, obs).Reward);
            rec?.Capture();
        }
        return rewards;
    }
}
