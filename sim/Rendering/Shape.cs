namespace TrpoEdge.Sim.Rendering;

/// <summary>One drawing primitive in pixel coordinates (y down); both the rasteriser and the SVG writer read it.</summary>
internal readonly record struct Shape(ShapeKind Kind, float X0, float Y0, float X1, float Y1, float Size, byte Color);
