namespace TrpoEdge.Sim.Rendering;

internal enum ShapeKind : byte
{
    /// <summary>A thick segment from (X0, Y0) to (X1, Y1), <see cref="Shape.Size"/> pixels wide, round caps.</summary>
    Line,
    /// <summary>A filled disc at (X0, Y0) of radius <see cref="Shape.Size"/>.</summary>
    Disc,
    /// <summary>A filled axis-aligned rectangle from (X0, Y0) to (X1, Y1).</summary>
    Rect,
}
