using TrpoEdge.Core.Spaces;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Runtime.Plants;

/// <summary>sim's spaces → core's <see cref="SpaceSpec"/> (core cannot see sim; this is the crossing).</summary>
public static class SpaceConversion
{
    public static SpaceSpec ToSpec(Space space) => space switch
    {
        BoxSpace b => SpaceSpec.Box(b.Low, b.High),
        DiscreteSpace d => SpaceSpec.Discrete(d.N),
        null => throw new ArgumentNullException(nameof(space)),
        _ => throw new NotSupportedException($"Space {space.Describe()} has no SpaceSpec form."),
    };
}
