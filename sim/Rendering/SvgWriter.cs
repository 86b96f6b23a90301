using System.Globalization;
using System.Text;

namespace TrpoEdge.Sim.Rendering;

/// <summary>Writes frames as an animated SVG: one group per frame, shown in turn by a discrete SMIL
/// <c>visibility</c> animation that loops.</summary>
internal static class SvgWriter
{
    public static string Write(IReadOnlyList<IReadOnlyList<Shape>> frames, int width, int height, double frameSeconds)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        int n = frames.Count;
        double total = Math.Max(frameSeconds * n, 0.001);
        sb.Append(ci, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n");
        sb.Append(ci, $"<rect width=\"{width}\" height=\"{height}\" fill=\"{Palette.Hex(Palette.Background)}\"/>\n");
        for (int i = 0; i < n; i++)
        {
            sb.Append(n == 1 ? "<g>" : "<g visibility=\"hidden\">");
            if (n > 1)
            {
                string start = (i / (double)n).ToString("R", ci), end = ((i + 1) / (double)n).ToString("R", ci);
                string values = i == 0 ? "visible;hidden" : "hidden;visible;hidden";
                string keyTimes = i == 0 ? $"0;{end}" : $"0;{start};{end}";
                sb.Append(ci, $"<animate attributeName=\"visibility\" values=\"{values}\" keyTimes=\"{keyTimes}\" dur=\"{total.ToString("R", ci)}s\" calcMode=\"discrete\" repeatCount=\"indefinite\"/>");
            }
            foreach (var s in frames[i]) AppendShape(sb, s, ci);
            sb.Append("</g>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static void AppendShape(StringBuilder sb, Shape s, CultureInfo ci)
    {
        string c = Palette.Hex(s.Color);
        switch (s.Kind)
        {
            case ShapeKind.Line:
                sb.Append(ci, $"<line x1=\"{s.X0:0.##}\" y1=\"{s.Y0:0.##}\" x2=\"{s.X1:0.##}\" y2=\"{s.Y1:0.##}\" stroke=\"{c}\" stroke-width=\"{s.Size:0.##}\" stroke-linecap=\"round\"/>");
                break;
            case ShapeKind.Disc:
                sb.Append(ci, $"<circle cx=\"{s.X0:0.##}\" cy=\"{s.Y0:0.##}\" r=\"{s.Size:0.##}\" fill=\"{c}\"/>");
                break;
            default:
                sb.Append(ci, $"<rect x=\"{Math.Min(s.X0, s.X1):0.##}\" y=\"{Math.Min(s.Y0, s.Y1):0.##}\" width=\"{Math.Abs(s.X1 - s.X0):0.##}\" height=\"{Math.Abs(s.Y1 - s.Y0):0.##}\" fill=\"{c}\"/>");
                break;
        }
    }
}
