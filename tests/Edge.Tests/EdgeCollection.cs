namespace TrpoEdge.Edge.Tests;

/// <summary>The test classes that run the published binaries share one <see cref="EdgeBuild"/> (two NativeAOT
/// publishes, the slow part) and run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class EdgeCollection : ICollectionFixture<EdgeBuild>
{
    public const string Name = "edge binaries";
}
