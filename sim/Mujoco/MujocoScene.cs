using TrpoEdge.Sim.Rendering;

namespace TrpoEdge.Sim.Mujoco;

/// <summary>Draws a planar MuJoCo model side-on (the x–z plane, y into the screen) from its geoms' world poses, so
/// videos and GIFs need no OpenGL: a capsule is a thick segment with round caps (exactly its outline in that plane), a
/// sphere a disc, a box the segment along its longest in-plane side. The view follows the torso like Gymnasium's
/// tracking camera; ticks on the floor every 0.5 m show the motion.</summary>
internal static class MujocoScene
{
    public const int Width = 320, Height = 200;
    private const float PixelsPerMetre = 100, Floor = 185;
    private const int GeomPlane = 0, GeomSphere = 2, GeomCapsule = 3, GeomBox = 6;

    public static List<Shape> Build(MujocoEnv env, out int width, out int height)
    {
        width = Width; height = Height;
        MujocoModel m = env.Model;
        var xpos = new double[3 * m.Ngeom];
        var xmat = new double[9 * m.Ngeom];
        env.GeomPoses(xpos, xmat);
        double camX = env.Qpos[0];
        float Px(double x) => (float)(Width / 2.0 + (x - camX) * PixelsPerMetre);
        float Py(double z) => (float)(Floor - z * PixelsPerMetre);

        var shapes = new List<Shape> { new(ShapeKind.Rect, 0, Floor, Width, Height, 0, Palette.Light) };
        shapes.Add(new(ShapeKind.Line, 0, Floor, Width, Floor, 2, Palette.Ink));
        double halfView = Width / 2.0 / PixelsPerMetre;
        for (double tick = Math.Ceiling((camX - halfView) * 2) / 2; tick <= camX + halfView; tick += 0.5)
            shapes.Add(new(ShapeKind.Line, Px(tick), Floor, Px(tick), Floor + 8, 2, Palette.Grey));

        for (int g = 0; g < m.Ngeom; g++)
        {
            double x = xpos[3 * g], z = xpos[3 * g + 2];
            byte colour = m.GeomBodyId[g] == 1 ? Palette.Orange : Palette.Blue; // the torso stands out
            switch (m.GeomType[g])
            {
                case GeomPlane:
                    break;
                case GeomSphere:
                    shapes.Add(new(ShapeKind.Disc, Px(x), Py(z), 0, 0, (float)(m.GeomSize[3 * g] * PixelsPerMetre), colour));
                    break;
                case GeomCapsule:
                {
                    // The capsule's axis is its local z: the third column of the row-major rotation matrix.
                    double half = m.GeomSize[3 * g + 1], ax = xmat[9 * g + 2], az = xmat[9 * g + 8];
                    shapes.Add(new(ShapeKind.Line, Px(x - half * ax), Py(z - half * az), Px(x + half * ax), Py(z + half * az),
                        (float)(2 * m.GeomSize[3 * g] * PixelsPerMetre), colour));
                    break;
                }
                case GeomBox:
                {
                    // Local x or z, whichever half-size is longer, as the segment; the other as its thickness.
                    bool alongX = m.GeomSize[3 * g] >= m.GeomSize[3 * g + 2];
                    int col = alongX ? 0 : 2;
                    double half = m.GeomSize[3 * g + col], thick = m.GeomSize[3 * g + (alongX ? 2 : 0)];
                    double ax = xmat[9 * g + col], az = xmat[9 * g + 6 + col];
                    shapes.Add(new(ShapeKind.Line, Px(x - half * ax), Py(z - half * az), Px(x + half * ax), Py(z + half * az),
                        (float)(2 * thick * PixelsPerMetre), colour));
                    break;
                }
                default:
                    // Ellipsoids, cylinders and meshes do not occur in these planar models; a dot marks where one is.
                    shapes.Add(new(ShapeKind.Disc, Px(x), Py(z), 0, 0, 3, colour));
                    break;
            }
        }
        return shapes;
    }
}
