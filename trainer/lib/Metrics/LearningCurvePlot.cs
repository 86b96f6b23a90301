using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace TrpoEdge.Trainer.Metrics;

/// <summary>
/// Draws learning curves as a standalone SVG file (no plotting dependency, opens in any browser):
/// axes with "nice" ticks and labels, one polyline per series, a legend, and an optional dashed
/// threshold line (e.g. the −200 that counts as solved for Pendulum-v1).
/// Non-finite points (NaN before the first finished episode, say) are skipped, not drawn as gaps.
/// </summary>
public static class LearningCurvePlot
{
    public const int Width = 800;
    public const int Height = 480;

    private const double Left = 80, Right = 24, Top = 44, Bottom = 64;
    private const string XLabel = "environment steps";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

    /// <summary>Writes a single curve; <paramref name="yLabel"/> doubles as its legend entry.</summary>
    public static void WriteSvg(
        string path, IReadOnlyList<(long Step, double Value)> series, string title, string yLabel, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        WriteSvg(path, [new PlotSeries(yLabel, series)], title, yLabel, threshold);
    }

    /// <summary>Writes several named curves on shared axes (e.g. rollout return and eval return).</summary>
    public static void WriteSvg(
        string path, IReadOnlyList<PlotSeries> series, string title, string yLabel, double? threshold = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string svg = RenderSvg(series, title, yLabel, threshold);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, svg, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>The SVG document as text (what <see cref="WriteSvg(string, IReadOnlyList{PlotSeries}, string, string, double?)"/> writes).</summary>
    public static string RenderSvg(IReadOnlyList<PlotSeries> series, string title, string yLabel, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(yLabel);
        for (int i = 0; i < series.Count; i++)
        {
            if (series[i] is null || series[i].Points is null)
            {
                throw new ArgumentException($"Plot series {i} is null or has no point list; pass an empty list for no data.", nameof(series));
            }
        }

        if (threshold is double t && !double.IsFinite(t))
        {
            throw new ArgumentException($"The threshold must be a finite number, got {t}.", nameof(threshold));
        }

        // Data ranges over finite points only; the threshold must be visible too.
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity;
        double yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (PlotSeries s in series)
        {
            foreach ((long step, double value) in s.Points)
            {
                if (!double.IsFinite(value))
                {
                    continue;
                }

                xMin = Math.Min(xMin, step);
                xMax = Math.Max(xMax, step);
                yMin = Math.Min(yMin, value);
                yMax = Math.Max(yMax, value);
            }
        }

        bool hasData = xMin <= xMax;
        if (!hasData)
        {
            xMin = 0;
            xMax = 1;
            yMin = 0;
            yMax = 1;
        }

        if (threshold is double th)
        {
            yMin = Math.Min(yMin, th);
            yMax = Math.Max(yMax, th);
        }

        (double x0, double x1, double dx) = NiceScale(xMin, xMax, 6, integral: true);
        (double y0, double y1, double dy) = NiceScale(yMin, yMax, 6, integral: false);

        const double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double Px(double x) => Left + (x - x0) / (x1 - x0) * plotW;
        double Py(double y) => Top + plotH - (y - y0) / (y1 - y0) * plotH;

        var root = new XElement(
            Svg + "svg",
            new XAttribute("width", Width),
            new XAttribute("height", Height),
            new XAttribute("viewBox", $"0 0 {Width} {Height}"),
            new XAttribute("font-family", "sans-serif"),
            new XAttribute("font-size", 12),
            new XElement(Svg + "rect", new XAttribute("width", Width), new XAttribute("height", Height), new XAttribute("fill", "white")),
            Text(Width / 2.0, 26, title, "middle", new XAttribute("font-size", 16)),
            Text(Left + plotW / 2, Height - 16, XLabel, "middle"),
            Text(18, Top + plotH / 2, yLabel, "middle", new XAttribute("transform", $"rotate(-90 18 {F(Top + plotH / 2)})")));

        var grid = new XElement(Svg + "g", new XAttribute("class", "grid"), new XAttribute("stroke", "#e0e0e0"));
        var ticks = new XElement(Svg + "g", new XAttribute("class", "ticks"));
        int xDecimals = Decimals(dx), yDecimals = Decimals(dy);
        for (int k = 0; x0 + k * dx <= x1 + dx * 1e-9; k++)
        {
            double x = x0 + k * dx, px = Px(x);
            grid.Add(Line(px, Top, px, Top + plotH));
            ticks.Add(Line(px, Top + plotH, px, Top + plotH + 5, "black"));
            ticks.Add(Text(px, Top + plotH + 20, FormatStep(x, xDecimals), "middle"));
        }

        for (int k = 0; y0 + k * dy <= y1 + dy * 1e-9; k++)
        {
            double y = y0 + k * dy, py = Py(y);
            grid.Add(Line(Left, py, Left + plotW, py));
            ticks.Add(Line(Left - 5, py, Left, py, "black"));
            ticks.Add(Text(Left - 8, py + 4, FormatValue(y, yDecimals), "end"));
        }

        root.Add(grid);
        root.Add(new XElement(
            Svg + "rect",
            new XAttribute("class", "axes"),
            new XAttribute("x", F(Left)), new XAttribute("y", F(Top)),
            new XAttribute("width", F(plotW)), new XAttribute("height", F(plotH)),
            new XAttribute("fill", "none"), new XAttribute("stroke", "black")));
        root.Add(ticks);

        XElement? thresholdLabel = null;
        if (threshold is double thr)
        {
            double py = Py(thr);
            root.Add(new XElement(
                Svg + "line",
                new XAttribute("class", "threshold"),
                new XAttribute("x1", F(Left)), new XAttribute("y1", F(py)),
                new XAttribute("x2", F(Left + plotW)), new XAttribute("y2", F(py)),
                new XAttribute("stroke", "#555555"), new XAttribute("stroke-width", 1.5),
                new XAttribute("stroke-dasharray", "6 4")));
            thresholdLabel = Text(Left + plotW - 4, py - 5, "threshold " + FormatValue(thr, Math.Max(yDecimals, Decimals(Math.Abs(thr)))), "end",
                new XAttribute("fill", "#555555"));
        }

        for (int i = 0; i < series.Count; i++)
        {
            string color = Palette[i % Palette.Length];
            var points = new StringBuilder();
            int count = 0;
            double lastX = 0, lastY = 0;
            foreach ((long step, double value) in series[i].Points)
            {
                if (!double.IsFinite(value))
                {
                    continue;
                }

                lastX = Px(step);
                lastY = Py(value);
                if (count++ > 0)
                {
                    points.Append(' ');
                }

                points.Append(F(lastX)).Append(',').Append(F(lastY));
            }

            if (count == 0)
            {
                continue;
            }

            root.Add(new XElement(
                Svg + "polyline",
                new XAttribute("class", "series"),
                new XAttribute("data-name", series[i].Name),
                new XAttribute("points", points.ToString()),
                new XAttribute("fill", "none"),
                new XAttribute("stroke", color),
                new XAttribute("stroke-width", 2),
                new XAttribute("stroke-linejoin", "round")));
            if (count == 1)
            {
                // A one-point polyline draws nothing; mark the point so the run is not shown as empty.
                root.Add(new XElement(
                    Svg + "circle",
                    new XAttribute("cx", F(lastX)), new XAttribute("cy", F(lastY)), new XAttribute("r", 3), new XAttribute("fill", color)));
            }
        }

        if (!hasData)
        {
            root.Add(Text(Left + plotW / 2, Top + plotH / 2, "no data", "middle", new XAttribute("fill", "#888888")));
        }

        // Labels go on top of the curves, with a white halo so a curve crossing them stays readable.
        if (thresholdLabel is not null)
        {
            root.Add(Halo(thresholdLabel));
        }

        // Legend, top-left inside the plot area, one row per series.
        var legend = new XElement(Svg + "g", new XAttribute("class", "legend"));
        for (int i = 0; i < series.Count; i++)
        {
            double ly = Top + 16 + i * 18;
            legend.Add(Line(Left + 10, ly - 4, Left + 34, ly - 4, Palette[i % Palette.Length], 2));
            legend.Add(Halo(Text(Left + 40, ly, series[i].Name, "start")));
        }

        root.Add(legend);

        var doc = new XDocument(new XDeclaration("1.0", "UTF-8", null), root);
        return doc.Declaration + "\n" + doc.Root!.ToString() + "\n";
    }

    /// <summary>
    /// Axis bounds and tick spacing on 1-2-5 × 10^k steps (Heckbert's "nice numbers"), so tick
    /// labels read as 0, 100k, 200k rather than 0, 83333, 166667.
    /// </summary>
    private static (double Min, double Max, double Step) NiceScale(double min, double max, int ticks, bool integral)
    {
        if (max - min <= Math.Abs(max) * 1e-12 || max - min == 0)
        {
            double pad = Math.Abs(min) > 0 ? Math.Abs(min) * 0.05 : 1;
            min -= pad;
            max += pad;
        }

        double step = Nice((max - min) / (ticks - 1));
        if (integral)
        {
            step = Math.Max(step, 1);
        }

        return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    /// <summary>The 1-2-5 × 10^k number nearest <paramref name="x"/>.</summary>
    private static double Nice(double x)
    {
        double exp = Math.Floor(Math.Log10(x));
        double f = x / Math.Pow(10, exp);
        double nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        return nf * Math.Pow(10, exp);
    }

    /// <summary>Digits after the point needed to tell ticks <paramref name="spacing"/> apart.</summary>
    private static int Decimals(double spacing) =>
        spacing <= 0 || !double.IsFinite(spacing) ? 0 : Math.Clamp(-(int)Math.Floor(Math.Log10(spacing) + 1e-9), 0, 10);

    private static string FormatValue(double v, int decimals)
    {
        string s = v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return s.StartsWith('-') && s.Trim('-', '0', '.').Length == 0 ? s[1..] : s; // no "-0.0"
    }

    /// <summary>Steps in the units people read training budgets in: 500k, 1.5M.</summary>
    private static string FormatStep(double x, int decimals)
    {
        double a = Math.Abs(x);
        return a >= 1e6 ? Trim(x / 1e6) + "M" : a >= 1e3 ? Trim(x / 1e3) + "k" : FormatValue(x, decimals);

        static string Trim(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static XElement Line(double x1, double y1, double x2, double y2, string? stroke = null, double? width = null)
    {
        var e = new XElement(
            Svg + "line",
            new XAttribute("x1", F(x1)), new XAttribute("y1", F(y1)),
            new XAttribute("x2", F(x2)), new XAttribute("y2", F(y2)));
        if (stroke is not null)
        {
            e.Add(new XAttribute("stroke", stroke));
        }

        if (width is double w)
        {
            e.Add(new XAttribute("stroke-width", w));
        }

        return e;
    }

    private static XElement Halo(XElement text)
    {
        text.Add(new XAttribute("stroke", "white"), new XAttribute("stroke-width", 3), new XAttribute("paint-order", "stroke"));
        return text;
    }

    private static XElement Text(double x, double y, string text, string anchor, params XAttribute[] extra) =>
        new(Svg + "text",
            new XAttribute("x", F(x)), new XAttribute("y", F(y)),
            new XAttribute("text-anchor", anchor),
            extra,
            text);
}
