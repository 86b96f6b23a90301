namespace TrpoEdge.Sim.Rendering;

/// <summary>The eight colours every frame is drawn with (a GIF/PNG palette of 2³ entries).</summary>
internal static class Palette
{
    public const byte Background = 0, Ink = 1, Grey = 2, Red = 3, Blue = 4, Green = 5, Orange = 6, Light = 7;

    public static readonly byte[] Rgb =
    [
        255, 255, 255,   // background
        20, 20, 20,      // ink
        110, 110, 110,   // grey
        204, 51, 51,     // red
        51, 102, 204,    // blue
        51, 153, 51,     // green
        230, 140, 30,    // orange
        215, 215, 215,   // light grey
    ];

    public static string Hex(byte index) => $"#{Rgb[3 * index]:x2}{Rgb[3 * index + 1]:x2}{Rgb[3 * index + 2]:x2}";
}
