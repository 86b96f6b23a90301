using TrpoEdge.Sim.Box2D;

namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>A fact that steps a Box2D environment (scripts/test.sh installs Debian's libbox2d-dev and g++, and the
/// build compiles the shim). Skipped, saying why, where the native library is missing; what a missing library
/// costs is tested separately (<see cref="Box2DAvailabilityTests"/>).</summary>
public sealed class RequiresBox2DFactAttribute : FactAttribute
{
    public RequiresBox2DFactAttribute()
    {
        if (Box2DNative.Unavailable is string why) Skip = "Box2D is not available: " + why;
    }
}
