using TrpoEdge.Sim.Box2D;

namespace TrpoEdge.Sim.Rendering;

/// <summary>The Box2D environments' scenes, laid out like Gymnasium's renderers at half their scale (15 px per metre:
/// 300 × 200 px for its 600 × 400 viewport). Polygons are drawn as their outline plus a thick core line, as the
/// rasteriser has segments, discs and rectangles.</summary>
internal static class Box2DScenes
{
    private const float PixelsPerMetre = 15, Width = 300, Height = 200;

    /// <summary>Black sky, white ground, the pad's two flags, the lander with its legs, and the engines' flames.</summary>
    public static List<Shape> LunarLander(LunarLanderEnv env, out int width, out int height)
    {
        width = (int)Width; height = (int)Height;
        var shapes = new List<Shape> { new(ShapeKind.Rect, 0, 0, Width, Height, 0, Palette.Ink) };
        ReadOnlySpan<double> ty = env.TerrainY;
        double chunk = LunarLanderEnv.ViewportW / LunarLanderEnv.Scale / (LunarLanderEnv.Chunks - 1);
        for (int px = 0; px < width; px++)
        {
            double x = (px + 0.5) / PixelsPerMetre;
            int i = Math.Min((int)(x / chunk), LunarLanderEnv.Chunks - 2);
            double f = (x - i * chunk) / chunk, y = ty[i] + (ty[i + 1] - ty[i]) * f;
            shapes.Add(new(ShapeKind.Rect, px, Py(y), px + 1, Height, 0, Palette.Background));
        }
        foreach (double flagX in new[] { env.HelipadX1, env.HelipadX2 })
        {
            float x = Px(flagX), y = Py(env.HelipadY);
            shapes.Add(new(ShapeKind.Line, x, y, x, y - 25, 1, Palette.Light));
            shapes.Add(new(ShapeKind.Rect, x, y - 25, x + 12, y - 20, 0, Palette.Orange));
        }
        BodyState lander = env.Lander;
        if (env.LastMainPower > 0)
        {
            (float fx, float fy) = World(lander, 0, -20 / LunarLanderEnv.Scale);
            shapes.Add(new(ShapeKind.Disc, fx, fy, 0, 0, (float)(2 + 3 * env.LastMainPower), Palette.Orange));
        }
        if (env.LastSidePower > 0)
        {
            (float fx, float fy) = World(lander, -env.LastSideDirection * 20 / LunarLanderEnv.Scale, 10 / LunarLanderEnv.Scale);
            shapes.Add(new(ShapeKind.Disc, fx, fy, 0, 0, (float)(1 + 2 * env.LastSidePower), Palette.Orange));
        }
        for (int leg = 0; leg < 2; leg++)
        {
            BodyState b = env.Leg(leg);
            AddBar(shapes, b, 0, -LunarLanderEnv.LegH / LunarLanderEnv.Scale, 0, LunarLanderEnv.LegH / LunarLanderEnv.Scale,
                (float)(2 * LunarLanderEnv.LegW / LunarLanderEnv.Scale * PixelsPerMetre) + 1, b.InContact ? Palette.Green : Palette.Light);
        }
        AddPolygon(shapes, lander, LunarLanderEnv.LanderPoly, LunarLanderEnv.Scale, Palette.Blue);
        AddBar(shapes, lander, -13 / LunarLanderEnv.Scale, 3 / LunarLanderEnv.Scale, 13 / LunarLanderEnv.Scale, 3 / LunarLanderEnv.Scale, 12, Palette.Blue);
        return shapes;
    }

    /// <summary>Light sky, green ground, the lidar rays, the walker; the view follows the hull as Gymnasium's scroll does.</summary>
    public static List<Shape> BipedalWalker(BipedalWalkerEnv env, out int width, out int height)
    {
        width = (int)Width; height = (int)Height;
        BodyState hull = env.Hull;
        double scroll = hull.X - BipedalWalkerEnv.ViewportW / BipedalWalkerEnv.Scale / 5;
        float Sx(double x) => (float)((x - scroll) * PixelsPerMetre);
        var shapes = new List<Shape> { new(ShapeKind.Rect, 0, 0, Width, Height, 0, Palette.Light) };
        ReadOnlySpan<double> tx = env.TerrainX, ty = env.TerrainY;
        for (int px = 0; px < width; px++)
        {
            double x = scroll + (px + 0.5) / PixelsPerMetre;
            int i = (int)Math.Clamp(Math.Floor(x / BipedalWalkerEnv.TerrainStep), 0, tx.Length - 2);
            double f = Math.Clamp((x - tx[i]) / BipedalWalkerEnv.TerrainStep, 0, 1), y = ty[i] + (ty[i + 1] - ty[i]) * f;
            shapes.Add(new(ShapeKind.Rect, px, Py(y), px + 1, Height, 0, Palette.Green));
        }
        float finish = Sx(BipedalWalkerEnv.FinishX);
        if (finish >= 0 && finish <= Width) shapes.Add(new(ShapeKind.Line, finish, 0, finish, Height, 2, Palette.Ink));
        ReadOnlySpan<float> lidar = env.Lidar;
        for (int i = 0; i < lidar.Length; i++)
        {
            double ex = hull.X + Math.Sin(1.5 * i / 10.0) * BipedalWalkerEnv.LidarRange * lidar[i];
            double ey = hull.Y - Math.Cos(1.5 * i / 10.0) * BipedalWalkerEnv.LidarRange * lidar[i];
            shapes.Add(new(ShapeKind.Line, Sx(hull.X), Py(hull.Y), Sx(ex), Py(ey), 1, Palette.Grey));
        }
        double half = BipedalWalkerEnv.LegH / 2;
        for (int k = 0; k < 4; k++)
        {
            BodyState b = env.Leg(k);
            double w = k % 2 == 0 ? BipedalWalkerEnv.LegW : 0.8 * BipedalWalkerEnv.LegW;
            byte colour = k < 2 ? Palette.Orange : Palette.Red;
            if (k % 2 == 1 && b.InContact) colour = Palette.Ink;
            AddBar(shapes, b, 0, -half + w / 2, 0, half - w / 2, (float)(w * PixelsPerMetre), colour, scroll);
        }
        AddPolygon(shapes, hull, BipedalWalkerEnv.HullPoly, BipedalWalkerEnv.Scale, Palette.Blue, scroll);
        AddBar(shapes, hull, -26 / BipedalWalkerEnv.Scale, 0.5 / BipedalWalkerEnv.Scale, 30 / BipedalWalkerEnv.Scale, 0.5 / BipedalWalkerEnv.Scale, 7, Palette.Blue, scroll);
        return shapes;
    }

    private static float Px(double x, double scroll = 0) => (float)((x - scroll) * PixelsPerMetre);

    private static float Py(double y) => Height - (float)(y * PixelsPerMetre);

    private static (float X, float Y) World(in BodyState b, double lx, double ly, double scroll = 0)
    {
        double c = Math.Cos(b.Angle), s = Math.Sin(b.Angle);
        return (Px(b.X + c * lx - s * ly, scroll), Py(b.Y + s * lx + c * ly));
    }

    /// <summary>A thick segment between two body-frame points.</summary>
    private static void AddBar(List<Shape> shapes, in BodyState b, double x0, double y0, double x1, double y1, float thickness, byte colour, double scroll = 0)
    {
        (float ax, float ay) = World(b, x0, y0, scroll);
        (float bx, float by) = World(b, x1, y1, scroll);
        shapes.Add(new(ShapeKind.Line, ax, ay, bx, by, thickness, colour));
    }

    private static void AddPolygon(List<Shape> shapes, in BodyState b, (double X, double Y)[] poly, double scale, byte colour, double scroll = 0)
    {
        for (int i = 0; i < poly.Length; i++)
        {
            var p = poly[i];
            var q = poly[(i + 1) % poly.Length];
            (float ax, float ay) = World(b, p.X / scale, p.Y / scale, scroll);
            (float bx, float by) = World(b, q.X / scale, q.Y / scale, scroll);
            shapes.Add(new(ShapeKind.Line, ax, ay, bx, by, 2, colour));
        }
    }
}
