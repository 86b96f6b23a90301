namespace TrpoEdge.Hardware.Tests;

/// <summary>Tests that measure real time (watchdog periods, link round trips) run alone: xUnit otherwise runs test
/// classes side by side, and on a 2-core machine a neighbour's JIT or GC can stall a thread past a 100 ms deadline.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "timing-sensitive";
}
