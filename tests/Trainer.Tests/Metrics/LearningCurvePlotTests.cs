using System.Globalization;
using System.Xml.Linq;
using TrpoEdge.Trainer.Metrics;

namespace TrpoEdge.Trainer.Tests.Metrics;

public sealed class LearningCurvePlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static (double X, double Y)[] Points(XElement polyline) =>
        [.. polyline.Attribute("points")!.Value
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))];

    private static List<(long Step, double Value)> PendulumLikeCurve(int n) =>
        [.. Enumerable.Range(1, n).Select(i => ((long)i * 4096, -1400 + 1250 * (1 - Math.Exp(-i / 20.0))))];

    [Fact]
    public void A_single_series_file_is_well_formed_svg_with_one_point_per_value()
    {
        using var dir = new TempDirectory();
        string path = dir.File("plots/curve.svg");
        List<(long Step, double Value)> curve = PendulumLikeCurve(120);
        LearningCurvePlot.WriteSvg(path, curve, "Pendulum-v1, seed 0", "mean episode return", threshold: -200);

        XDocument doc = XDocument.Parse(File.ReadAllText(path));
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        XElement line = Assert.Single(doc.Descendants(Svg + "polyline"));
        Assert.Equal(curve.Count, Points(line).Length);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "Pendulum-v1, seed 0");
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "mean episode return");
    }

    [Fact]
    public void Points_rise_to_the_right_and_higher_values_sit_higher_on_the_page()
    {
        List<(long Step, double Value)> curve = PendulumLikeCurve(50);
        XDocument doc = XDocument.Parse(LearningCurvePlot.RenderSvg([new PlotSeries("r", curve)], "t", "y"));
        (double X, double Y)[] pts = Points(doc.Descendants(Svg + "polyline").Single());

        for (int i = 1; i < pts.Length; i++)
        {
            Assert.True(pts[i].X > pts[i - 1].X);
            Assert.True(pts[i].Y < pts[i - 1].Y, "a rising curve must go up the page (SVG y grows downwards)");
        }

        Assert.All(pts, p => Assert.InRange(p.X, 0, LearningCurvePlot.Width));
        Assert.All(pts, p => Assert.InRange(p.Y, 0, LearningCurvePlot.Height));
    }

    [Fact]
    public void The_threshold_is_a_dashed_horizontal_line_at_the_right_height()
    {
        // Values from -1000 to 0 and threshold -500: the dashed line sits halfway between the
        // points of the lowest and the highest value.
        List<(long Step, double Value)> curve = [(0, -1000), (1000, 0)];
        XDocument doc = XDocument.Parse(LearningCurvePlot.RenderSvg([new PlotSeries("r", curve)], "t", "y", threshold: -500));
        XElement dashed = Assert.Single(doc.Descendants(Svg + "line"), l => l.Attribute("stroke-dasharray") is not null);
        double y1 = double.Parse(dashed.Attribute("y1")!.Value, CultureInfo.InvariantCulture);
        Assert.Equal(y1, double.Parse(dashed.Attribute("y2")!.Value, CultureInfo.InvariantCulture));

        (double X, double Y)[] pts = Points(doc.Descendants(Svg + "polyline").Single());
        Assert.Equal((pts[0].Y + pts[1].Y) / 2, y1, 1);
    }

    [Fact]
    public void Several_series_get_their_own_polyline_colour_and_legend_entry()
    {
        List<(long Step, double Value)> rollout = PendulumLikeCurve(100);
        List<(long Step, double Value)> eval = [.. rollout.Where((_, i) => i % 10 == 9).Select(p => (p.Step, p.Value + 30))];
        XDocument doc = XDocument.Parse(LearningCurvePlot.RenderSvg(
            [new PlotSeries("rollout return", rollout), new PlotSeries("eval return", eval)], "Pendulum-v1", "return", -200));

        XElement[] lines = [.. doc.Descendants(Svg + "polyline")];
        Assert.Equal(2, lines.Length);
        Assert.Equal(100, Points(lines[0]).Length);
        Assert.Equal(10, Points(lines[1]).Length);
        Assert.NotEqual(lines[0].Attribute("stroke")!.Value, lines[1].Attribute("stroke")!.Value);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "rollout return");
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "eval return");
    }

    [Fact]
    public void Axes_carry_tick_labels_in_readable_units()
    {
        List<(long Step, double Value)> curve = [(0, -1500), (500_000, -150)];
        XDocument doc = XDocument.Parse(LearningCurvePlot.RenderSvg([new PlotSeries("r", curve)], "t", "y"));
        string[] texts = [.. doc.Descendants(Svg + "text").Select(t => t.Value)];

        Assert.Contains("0", texts);
        Assert.Contains("500k", texts);
        Assert.Contains("-1000", texts);
        Assert.Contains("environment steps", texts);
    }

    [Fact]
    public void Non_finite_values_are_left_out_of_the_line()
    {
        List<(long Step, double Value)> curve = [(1, double.NaN), (2, -5), (3, double.PositiveInfinity), (4, -3), (5, -1)];
        XDocument doc = XDocument.Parse(LearningCurvePlot.RenderSvg([new PlotSeries("r", curve)], "t", "y"));
        Assert.Equal(3, Points(doc.Descendants(Svg + "polyline").Single()).Length);
    }

    [Fact]
    public void No_data_still_gives_a_valid_plot_that_says_so()
    {
        XDocument doc = XDocument.Parse(LearningCurvePlot.RenderSvg([new PlotSeries("r", [])], "empty run", "y", threshold: -200));
        Assert.Empty(doc.Descendants(Svg + "polyline"));
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "no data");
    }

    [Fact]
    public void A_single_point_is_marked_with_a_dot()
    {
        XDocument doc = XDocument.Parse(LearningCurvePlot.RenderSvg([new PlotSeries("r", [(2048, -900)])], "t", "y"));
        Assert.Single(Points(doc.Descendants(Svg + "polyline").Single()));
        Assert.Single(doc.Descendants(Svg + "circle"));
    }

    [Fact]
    public void Markup_characters_in_labels_are_escaped()
    {
        const string title = "a < b & \"c\" > d";
        string svg = LearningCurvePlot.RenderSvg([new PlotSeries("<&>", [(1, 1), (2, 2)])], title, "y");
        XDocument doc = XDocument.Parse(svg);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == title);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "<&>");
    }

    [Fact]
    public void A_non_finite_threshold_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(
            () => LearningCurvePlot.RenderSvg([new PlotSeries("r", [(1, 1)])], "t", "y", double.NaN));
        Assert.Contains("threshold", e.Message, StringComparison.Ordinal);
    }
}
