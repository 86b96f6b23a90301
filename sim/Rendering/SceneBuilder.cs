namespace TrpoEdge.Sim.Rendering;

/// <summary>Turns an environment's physical state into shapes, laid out like Gymnasium's renderers.</summary>
internal static class SceneBuilder
{
    /// <summary>Pendulum-v1 or a rig: θ = 0 upright, the rod drawn from the pivot towards (−sin θ, cos θ) in y-up axes.</summary>
    public static List<Shape> Pendulum(double theta, byte rodColour, out int width, out int height)
    {
        width = height = 200;
        const float cx = 100, cy = 100, r = 70;
        float ex = cx - r * (float)Math.Sin(theta), ey = cy - r * (float)Math.Cos(theta);
        return
        [
            new(ShapeKind.Disc, cx, cy, 0, 0, r + 8, Palette.Light),
            new(ShapeKind.Line, cx, cy, ex, ey, 14, rodColour),
            new(ShapeKind.Disc, cx, cy, 0, 0, 5, Palette.Ink),
        ];
    }

    public static List<Shape> CartPole(double x, double theta, out int width, out int height)
    {
        width = 300; height = 200;
        float scale = width / (float)(2.4 * 2);
        float cartX = (float)x * scale + width / 2f, cartY = 140;
        float pole = scale * (2 * 0.5f);
        float tx = cartX + pole * (float)Math.Sin(theta), ty = cartY - 10 - pole * (float)Math.Cos(theta);
        return
        [
            new(ShapeKind.Line, 0, cartY + 15, width, cartY + 15, 2, Palette.Ink),
            new(ShapeKind.Rect, cartX - 25, cartY - 15, cartX + 25, cartY + 15, 0, Palette.Ink),
            new(ShapeKind.Line, cartX, cartY - 10, tx, ty, 10, Palette.Orange),
            new(ShapeKind.Disc, cartX, cartY - 10, 0, 0, 4, Palette.Blue),
        ];
    }

    public static List<Shape> Acrobot(double theta1, double theta2, out int width, out int height)
    {
        width = height = 200;
        const float cx = 100, cy = 100, l = 42;
        float x1 = cx + l * (float)Math.Sin(theta1), y1 = cy + l * (float)Math.Cos(theta1);
        float x2 = x1 + l * (float)Math.Sin(theta1 + theta2), y2 = y1 + l * (float)Math.Cos(theta1 + theta2);
        return
        [
            new(ShapeKind.Line, 10, cy - l, width - 10, cy - l, 2, Palette.Ink), // goal height
            new(ShapeKind.Line, cx, cy, x1, y1, 10, Palette.Blue),
            new(ShapeKind.Line, x1, y1, x2, y2, 10, Palette.Blue),
            new(ShapeKind.Disc, cx, cy, 0, 0, 5, Palette.Orange),
            new(ShapeKind.Disc, x1, y1, 0, 0, 5, Palette.Orange),
        ];
    }

    public static List<Shape> MountainCar(double position, out int width, out int height)
    {
        width = 300; height = 200;
        const double min = -1.2, max = 0.6;
        float scale = width / (float)(max - min);
        int w = width, h = height;
        float Px(double p) => (float)((p - min) * scale);
        float Py(double p) => h - 15 - (float)((Math.Sin(3 * p) * 0.45 + 0.55) * scale * 0.9);
        var shapes = new List<Shape>();
        const int segments = 60;
        for (int i = 0; i < segments; i++)
        {
            double a = min + (max - min) * i / segments, b = min + (max - min) * (i + 1) / segments;
            shapes.Add(new(ShapeKind.Line, Px(a), Py(a), Px(b), Py(b), 3, Palette.Ink));
        }
        const double goal = 0.45;
        shapes.Add(new(ShapeKind.Line, Px(goal), Py(goal), Px(goal), Py(goal) - 30, 2, Palette.Ink));
        shapes.Add(new(ShapeKind.Rect, Px(goal), Py(goal) - 30, Px(goal) + 18, Py(goal) - 20, 0, Palette.Green));
        shapes.Add(new(ShapeKind.Disc, Px(position), Py(position) - 9, 0, 0, 9, Palette.Red));
        _ = w;
        return shapes;
    }
}
