using TrpoEdge.Sim.Box2D;

namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>Stepping a Box2D environment allocates nothing on the managed heap (bodies, contacts and the world live
/// in Box2D's own allocators; a new world is made per episode, not per step).</summary>
public sealed class Box2DAllocationTests
{
    [RequiresBox2DFact]
    public void Steps_within_an_episode_allocate_nothing()
    {
        var lander = new LunarLanderEnv(continuous: true);
        var obs = new float[8];
        var action = new float[] { 0.2f, 0.7f };
        lander.Reset(1, obs);
        for (int i = 0; i < 20; i++) lander.Step(action, obs); // warm up (JIT, the action log's growth)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) lander.Step(action, obs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        var walker = new BipedalWalkerEnv();
        var wobs = new float[24];
        var wact = new float[] { 0.1f, 1f, -0.1f, 1f };
        walker.Reset(1, wobs);
        for (int i = 0; i < 20; i++) walker.Step(wact, wobs);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) walker.Step(wact, wobs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
