using TrpoEdge.Sim.Box2D;
using TrpoEdge.Sim.Rendering;

namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>The Box2D scenes: recorded episodes save as GIF/PNG/SVG, and the drawing follows the bodies (a frame
/// of the lander at the top differs from one at the pad; the lander's pixels sit where its body is).</summary>
public sealed class Box2DRenderingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sim-box2d-render-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [RequiresBox2DTheory]
    [InlineData("LunarLander-v2")]
    [InlineData("LunarLanderContinuous-v2")]
    [InlineData("BipedalWalker-v3")]
    public void Episodes_save_as_gif_png_and_svg(string id)
    {
        IEnv env = EnvRegistry.Make(id);
        var rec = new EpisodeRecorder(env);
        var obs = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace is Spaces.DiscreteSpace ? 1 : env.ActionSpace.FlatSize];
        env.Reset(1, obs);
        rec.Capture("STEP 0", "RESET");
        for (int t = 0; t < 40; t++)
        {
            if (env is LunarLanderEnv l) LunarLanderHeuristic.Act(obs, l.Continuous, action);
            else for (int j = 0; j < action.Length; j++) action[j] = (t / 10 + j) % 2 == 0 ? 0.8f : -0.8f;
            env.Step(action, obs);
            rec.Capture();
        }
        Assert.Equal(41, rec.FrameCount);
        foreach (string ext in new[] { ".gif", ".png", ".svg" })
        {
            string path = Path.Combine(_dir, id + ext);
            rec.Save(path);
            Assert.True(new FileInfo(path).Length > 200, $"{path} is nearly empty");
        }
        if (Environment.GetEnvironmentVariable("TRPOEDGE_KEEP_RENDERS") is { Length: > 0 } keep)
            foreach (string f in Directory.EnumerateFiles(_dir)) File.Copy(f, Path.Combine(keep, Path.GetFileName(f)), true);
    }

    [RequiresBox2DFact]
    public void The_lander_is_drawn_where_its_body_is()
    {
        var env = new LunarLanderEnv();
        env.Reset(0, new float[8]);
        List<Shape> shapes = Box2DScenes.LunarLander(env, out int w, out int h);
        byte[] pixels = Rasterizer.Draw(shapes, w, h);
        BodyState b = env.Lander;
        int cx = (int)(b.X * 15), cy = h - (int)(b.Y * 15);
        Assert.Equal(Palette.Blue, pixels[cy * w + cx]); // the hull's core
        Assert.Equal(Palette.Ink, pixels[5 * w + 5]); // black sky in the top-left corner
        Assert.Equal(Palette.Background, pixels[(h - 2) * w + w / 2]); // white ground at the bottom
    }
}
