using TrpoEdge.Sim.Box2D;
using TrpoEdge.Sim.Random;
using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim.Tests.Box2D;

/// <summary>BipedalWalker against Gymnasium's equations: spaces, the flat start pad, lidar against the terrain
/// geometry, the reward recomputed from the hull, falling and the time limit.</summary>
public sealed class BipedalWalkerTests
{
    private const double Scale = 30, TerrainStep = 14 / Scale, TerrainHeight = 400 / Scale / 4, LidarRange = 160 / Scale;

    [RequiresBox2DFact]
    public void Spaces_and_limits_are_gymnasiums()
    {
        var env = new BipedalWalkerEnv();
        Assert.Equal("BipedalWalker-v3", env.Id);
        var act = Assert.IsType<BoxSpace>(env.ActionSpace);
        Assert.Equal(new float[] { -1, -1, -1, -1 }, act.Low);
        Assert.Equal(new float[] { 1, 1, 1, 1 }, act.High);
        var obs = Assert.IsType<BoxSpace>(env.ObservationSpace);
        Assert.Equal(24, obs.Dim);
        Assert.Equal(-(float)Math.PI, obs.Low[0]);
        Assert.Equal(5f, obs.High[13]);
        Assert.Equal(-1f, obs.Low[23]);
        Assert.Equal(1600, env.MaxEpisodeSteps);
    }

    [RequiresBox2DTheory]
    [InlineData(0UL)]
    [InlineData(17UL)]
    public void Terrain_starts_flat_then_walks_with_uniform_kicks(ulong seed)
    {
        var env = new BipedalWalkerEnv();
        var obs = new float[24];
        env.Reset(seed, obs);
        // Start pad: y stays at TERRAIN_HEIGHT (sign(0) = 0, no kick before step 21).
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i * TerrainStep, env.TerrainX[i]);
            Assert.Equal(TerrainHeight, env.TerrainY[i]);
        }
        // Step 19 ends the start pad: the next grass counter, integers(5, 10), takes one 64-bit output (keeping its upper
        // half) and step 20 pauses. Step 21: velocity 0.8·0 + 0.01·sign(0) + uniform(-1, 1)/SCALE from the next output.
        var rng = new Pcg64(seed);
        rng.NextUInt64();
        double kick = rng.Uniform(-1, 1) / Scale;
        Assert.Equal(TerrainHeight, env.TerrainY[20]);
        Assert.Equal(TerrainHeight + kick, env.TerrainY[21]);
        double max = 0;
        for (int i = 0; i < 200; i++) max = Math.Max(max, Math.Abs(env.TerrainY[i] - TerrainHeight));
        Assert.InRange(max, 0.05, 3.0);
    }

    [RequiresBox2DFact]
    public void Lidar_fractions_are_the_closest_terrain_hits_along_each_ray()
    {
        var env = new BipedalWalkerEnv();
        var obs = new float[24];
        env.Reset(2, obs);
        var rng = new Pcg64(4);
        var action = new float[4];
        for (int t = 0; t < 60; t++)
        {
            for (int j = 0; j < 4; j++) action[j] = (float)rng.Uniform(-1, 1);
            if (env.Step(action, obs).Done) break;
            BodyState hull = env.Hull;
            for (int i = 0; i < 10; i++)
            {
                double x1 = hull.X, y1 = hull.Y;
                double x2 = x1 + Math.Sin(1.5 * i / 10.0) * LidarRange, y2 = y1 - Math.Cos(1.5 * i / 10.0) * LidarRange;
                double expected = 1.0;
                for (int k = 0; k < 199; k++)
                {
                    double? f = Intersect(x1, y1, x2, y2, env.TerrainX[k], env.TerrainY[k], env.TerrainX[k + 1], env.TerrainY[k + 1]);
                    if (f is double v && v < expected) expected = v;
                }
                Assert.Equal(expected, obs[14 + i], 3);
            }
        }
    }

    /// <summary>Fraction along p1→p2 where it crosses segment a→b, or null.</summary>
    private static double? Intersect(double x1, double y1, double x2, double y2, double ax, double ay, double bx, double by)
    {
        double rx = x2 - x1, ry = y2 - y1, sx = bx - ax, sy = by - ay;
        double den = rx * sy - ry * sx;
        if (Math.Abs(den) < 1e-12) return null;
        double t = ((ax - x1) * sy - (ay - y1) * sx) / den, u = ((ax - x1) * ry - (ay - y1) * rx) / den;
        return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? t : null;
    }

    [RequiresBox2DFact]
    public void Reward_is_the_shaping_difference_minus_the_torque_cost()
    {
        var env = new BipedalWalkerEnv();
        var obs = new float[24];
        var rng = new Pcg64(12);
        var action = new float[4];
        int checkedSteps = 0, falls = 0;
        for (int episode = 0; episode < 4; episode++)
        {
            env.Reset((ulong)episode, obs);
            double prev = 130 * (double)env.Hull.X / Scale - 5.0 * Math.Abs((double)env.Hull.Angle);
            Assert.Equal(prev, env.PrevShaping);
            for (int t = 0; t < 1600; t++)
            {
                for (int j = 0; j < 4; j++) action[j] = (float)rng.Uniform(-1.3, 1.3); // beyond the bounds: the cost clips |a| at 1
                StepResult r = env.Step(action, obs);
                BodyState hull = env.Hull;
                double shaping = 130 * (double)hull.X / Scale - 5.0 * Math.Abs((double)hull.Angle);
                if (r.Terminated && hull.X < BipedalWalkerEnv.FinishX)
                {
                    Assert.Equal(-100, r.Reward); // the hull touched the ground (or left the left edge)
                    falls++;
                    break;
                }
                double cost = 0;
                for (int j = 0; j < 4; j++) cost += 0.00035 * 80 * Math.Min(Math.Abs((double)action[j]), 1.0);
                Assert.Equal(shaping - prev - cost, r.Reward, 12);
                prev = shaping;
                checkedSteps++;
            }
        }
        Assert.True(checkedSteps > 100);
        Assert.True(falls >= 1, "random torques never made the walker fall");
    }

    [RequiresBox2DFact]
    public void Standing_in_a_wide_stance_is_truncated_at_1600_steps()
    {
        var env = new BipedalWalkerEnv();
        var obs = new float[24];
        env.Reset(0, obs);
        // An A-frame: hips driven to ±0.4 rad, knees pushed straight against their limit. Statically stable, so the
        // episode runs into the time limit instead of ending.
        var action = new float[4];
        for (int t = 1; t <= 1600; t++)
        {
            action[0] = Math.Clamp(5 * (0.4f - obs[4]) - 0.5f * obs[5], -1, 1);
            action[1] = 1;
            action[2] = Math.Clamp(5 * (-0.4f - obs[9]) - 0.5f * obs[10], -1, 1);
            action[3] = 1;
            StepResult r = env.Step(action, obs);
            Assert.False(r.Terminated, $"fell at step {t}");
            Assert.Equal(t == 1600, r.Truncated);
        }
    }
}
