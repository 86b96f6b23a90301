using TrpoEdge.Sim.Box2D;

namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>The theory form of <see cref="RequiresBox2DFactAttribute"/>.</summary>
public sealed class RequiresBox2DTheoryAttribute : TheoryAttribute
{
    public RequiresBox2DTheoryAttribute()
    {
        if (Box2DNative.Unavailable is string why) Skip = "Box2D is not available: " + why;
    }
}
