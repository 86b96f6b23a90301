using TrpoEdge.Sim.Box2D;

namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>A machine without the native library gets one line naming the Debian package.</summary>
public sealed class Box2DAvailabilityTests
{
    [Fact]
    public void A_missing_shim_is_one_line_naming_the_debian_package()
    {
        string? why = Box2DNative.Probe("trpoedge_box2d_absent");
        Assert.NotNull(why);
        Assert.Contains("apt-get install libbox2d-dev g++", why);
        Assert.Contains("libtrpoedge_box2d_absent.so", why);
        Assert.DoesNotContain('\n', why);
    }

    [RequiresBox2DFact]
    public void The_shim_runs_against_box2d_2_4()
    {
        Assert.Null(Box2DNative.Unavailable);
        Assert.Equal(204, Box2DNative.tb2_version() / 100);
    }
}
