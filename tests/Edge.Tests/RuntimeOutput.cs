using System.Text.RegularExpressions;

namespace TrpoEdge.Edge.Tests;

/// <summary>Reading the runtime's console summary. The table wraps and pads when redirected, so it is compared with
/// whitespace collapsed.</summary>
internal static partial class RuntimeOutput
{
    public static string Collapse(string text) => Whitespace().Replace(text, " ");

    /// <summary>The "return mean ± std" row's value, e.g. "-812.31 ± 40.02".</summary>
    public static string ReturnRow(string output)
    {
        Match m = ReturnMean().Match(Collapse(output));
        Assert.True(m.Success, $"no return row in:\n{output}");
        return m.Groups[1].Value;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"return mean ± std\W+(-?[\d.]+ ± [\d.]+)")]
    private static partial Regex ReturnMean();
}
