using TrpoEdge.Core.Spaces;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Trainer.Training;

/// <summary>sim's spaces to the core contract's <see cref="SpaceSpec"/> (core cannot see sim).</summary>
public static class SpaceConversion
{
    public static SpaceSpec ToSpec(Space space) => space switch
    {
        BoxSpace box => SpaceSpec.Box(box.Low, box.High),
        DiscreteSpace discrete => SpaceSpec.Discrete(discrete.N),
        _ => throw new NotSupportedException($"Space {space.Describe()} has no contract form; only Box and Discrete are supported."),
    };
}
