namespace TrpoEdge.Hardware.Tests;

/// <summary>Finds files of the repository from the test's output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TrpoEdge.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No TrpoEdge.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
    });

    public static string Root => RootLazy.Value;
    public static string Protocol => Path.Combine(Root, "hardware", "PROTOCOL.md");
    public static string Firmware => Path.Combine(Root, "hardware", "firmware");
}
