namespace TrpoEdge.Sim.Rendering;

/// <summary>Draws shapes into an 8-bit palette-index image by testing pixel centres against each shape
/// (no anti-aliasing: the palette has eight entries).</summary>
internal static class Rasterizer
{
    public static byte[] Draw(IReadOnlyList<Shape> shapes, int width, int height)
    {
        var pixels = new byte[width * height];
        foreach (var s in shapes) Draw(s, pixels, width, height);
        return pixels;
    }

    private static void Draw(Shape s, byte[] pixels, int width, int height)
    {
        float pad = s.Kind == ShapeKind.Rect ? 0 : s.Kind == ShapeKind.Disc ? s.Size : s.Size / 2;
        float minX = Math.Min(s.X0, s.Kind == ShapeKind.Disc ? s.X0 : s.X1) - pad;
        float maxX = Math.Max(s.X0, s.Kind == ShapeKind.Disc ? s.X0 : s.X1) + pad;
        float minY = Math.Min(s.Y0, s.Kind == ShapeKind.Disc ? s.Y0 : s.Y1) - pad;
        float maxY = Math.Max(s.Y0, s.Kind == ShapeKind.Disc ? s.Y0 : s.Y1) + pad;
        int x0 = Math.Max(0, (int)MathF.Floor(minX)), x1 = Math.Min(width - 1, (int)MathF.Ceiling(maxX));
        int y0 = Math.Max(0, (int)MathF.Floor(minY)), y1 = Math.Min(height - 1, (int)MathF.Ceiling(maxY));
        for (int y = y0; y <= y1; y++)
        {
            float py = y + 0.5f;
            for (int x = x0; x <= x1; x++)
            {
                float px = x + 0.5f;
                if (Covers(s, px, py)) pixels[y * width + x] = s.Color;
            }
        }
    }

    private static bool Covers(Shape s, float px, float py)
    {
        switch (s.Kind)
        {
            case ShapeKind.Rect:
                return px >= Math.Min(s.X0, s.X1) && px <= Math.Max(s.X0, s.X1) && py >= Math.Min(s.Y0, s.Y1) && py <= Math.Max(s.Y0, s.Y1);
            case ShapeKind.Disc:
                float dx = px - s.X0, dy = py - s.Y0;
                return dx * dx + dy * dy <= s.Size * s.Size;
            default:
                float vx = s.X1 - s.X0, vy = s.Y1 - s.Y0;
                float len2 = vx * vx + vy * vy;
                float t = len2 > 0 ? Math.Clamp(((px - s.X0) * vx + (py - s.Y0) * vy) / len2, 0f, 1f) : 0f;
                float ex = s.X0 + t * vx - px, ey = s.Y0 + t * vy - py;
                float r = s.Size / 2;
                return ex * ex + ey * ey <= r * r;
        }
    }
}
