using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim.Box2D;

/// <summary>Gymnasium 0.29's BipedalWalker-v3 (normal terrain; the hardcore variant is not provided) on Box2D 2.4.
/// Around the physics everything is Gymnasium's: the terrain random walk and grass counters, the clouds (drawn
/// from <c>np_random</c> although only rendering uses them, so later draws line up), the initial push, the four
/// motors (speed = rated speed × sign(a), torque = 80·|a| clipped), the ten lidar rays that report the closest
/// ground hit, the 24-float observation, the shaping reward with its torque cost, falling (hull contact or
/// leaving the left edge: −100), reaching the far end, and the 1,600-step time limit. Trajectories differ from
/// Gymnasium's because it runs Box2D 2.3.</summary>
public sealed class BipedalWalkerEnv : Box2DEnv
{
    public const string EnvId = "BipedalWalker-v3";
    internal const double Fps = 50, Scale = 30.0, MotorsTorque = 80, SpeedHip = 4, SpeedKnee = 6, LidarRange = 160 / Scale;
    internal const double InitialRandom = 5, LegDown = -8 / Scale, LegW = 8 / Scale, LegH = 34 / Scale;
    internal const double ViewportW = 600, ViewportH = 400;
    internal const double TerrainStep = 14 / Scale, TerrainHeight = ViewportH / Scale / 4, Friction = 2.5;
    internal const int TerrainLength = 200, TerrainGrass = 10, TerrainStartpad = 20, TimeLimit = 1600, Lidars = 10;
    internal static readonly (double X, double Y)[] HullPoly = [(-30, +9), (+6, +9), (+34, +1), (+34, -8), (-30, -8)];

    private static readonly BoxSpace ObsSpace = new(
        [-(float)Math.PI, -5f, -5f, -5f, -(float)Math.PI, -5f, -(float)Math.PI, -5f, -0f, -(float)Math.PI, -5f, -(float)Math.PI, -5f, -0f,
         -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f],
        [(float)Math.PI, 5f, 5f, 5f, (float)Math.PI, 5f, (float)Math.PI, 5f, 5f, (float)Math.PI, 5f, (float)Math.PI, 5f, 5f,
         1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f]);
    private static readonly BoxSpace ActSpace = new([-1f, -1f, -1f, -1f], [1f, 1f, 1f, 1f]);

    private readonly double[] _terrainX = new double[TerrainLength], _terrainY = new double[TerrainLength];
    private readonly double[] _cloudX = new double[TerrainLength / 20 * 5], _cloudY = new double[TerrainLength / 20 * 5];
    private readonly IntPtr[] _legs = new IntPtr[4], _joints = new IntPtr[4];
    private readonly float[] _lidar = new float[Lidars];
    private IntPtr _hull;
    private double? _prevShaping;

    public BipedalWalkerEnv() : base(EnvId) { }

    public override string Id => EnvId;
    public override Space ObservationSpace => ObsSpace;
    public override Space ActionSpace => ActSpace;
    public override int MaxEpisodeSteps => TimeLimit;
    private protected override double[] Options => [];

    internal ReadOnlySpan<double> TerrainX => _terrainX;
    internal ReadOnlySpan<double> TerrainY => _terrainY;
    /// <summary>Ten clouds of five vertices each (metres, before the renderer's half-speed parallax).</summary>
    internal ReadOnlySpan<double> CloudX => _cloudX;
    internal ReadOnlySpan<double> CloudY => _cloudY;
    internal BodyState Hull => Box2DWorld.Body(_hull);
    /// <summary>0 and 2: thighs; 1 and 3: lower legs (the ones that report ground contact).</summary>
    internal BodyState Leg(int i) => Box2DWorld.Body(_legs[i]);
    internal (float Angle, float Speed) Joint(int i) => Box2DWorld.Joint(_joints[i]);
    /// <summary>The last step's lidar fractions.</summary>
    internal ReadOnlySpan<float> Lidar => _lidar;
    internal double? PrevShaping => _prevShaping;
    /// <summary>Beyond this x the walker has reached the end of the terrain (the episode terminates without penalty).</summary>
    internal static double FinishX => (TerrainLength - TerrainGrass) * TerrainStep;

    private protected override void BuildEpisode(Box2DWorld world, Span<float> observation)
    {
        _prevShaping = null;
        GenerateTerrain(world);
        GenerateClouds();

        const double initX = TerrainStep * TerrainStartpad / 2, initY = TerrainHeight + 2 * LegH;
        _hull = world.CreateBody(Box2DNative.DynamicBody, initX, initY, 0, Box2DNative.TagGameOver);
        Span<float> poly = stackalloc float[2 * HullPoly.Length];
        for (int i = 0; i < HullPoly.Length; i++)
        {
            poly[2 * i] = (float)(HullPoly[i].X / Scale);
            poly[2 * i + 1] = (float)(HullPoly[i].Y / Scale);
        }
        Box2DWorld.AddPolygon(_hull, poly, new FixtureSpec(5f, 0.1f, 0f, 0x0020, 0x001));
        Box2DWorld.ApplyForceToCenter(_hull, Rng.Uniform(-InitialRandom, InitialRandom), 0);

        var legFixture = new FixtureSpec(1f, 0.2f, 0f, 0x0020, 0x001);
        for (int side = -1, k = 0; side <= 1; side += 2, k += 2)
        {
            IntPtr leg = world.CreateBody(Box2DNative.DynamicBody, initX, initY - LegH / 2 - LegDown, side * 0.05);
            Box2DWorld.AddBox(leg, LegW / 2, LegH / 2, legFixture);
            _legs[k] = leg;
            _joints[k] = world.CreateRevolute(_hull, leg, 0, LegDown, 0, LegH / 2, true, MotorsTorque, side, true, -0.8, 1.1);

            IntPtr lower = world.CreateBody(Box2DNative.DynamicBody, initX, initY - LegH * 3 / 2 - LegDown, side * 0.05, Box2DNative.TagTrackContact);
            Box2DWorld.AddBox(lower, 0.8 * LegW / 2, LegH / 2, legFixture);
            _legs[k + 1] = lower;
            _joints[k + 1] = world.CreateRevolute(leg, lower, 0, -LegH / 2, 0, LegH / 2, true, MotorsTorque, 1, true, -1.6, -0.1);
        }

        Span<float> noop = stackalloc float[4];
        noop.Clear();
        StepCore(noop, observation);
    }

    /// <summary>Gymnasium's grass random walk: the height's velocity decays towards TERRAIN_HEIGHT, gets a uniform kick
    /// after the start pad, and pauses for one step whenever a new grass stretch (5 to 9 steps) begins.</summary>
    private void GenerateTerrain(Box2DWorld world)
    {
        double velocity = 0.0, y = TerrainHeight;
        long counter = TerrainStartpad;
        bool oneshot = false;
        for (int i = 0; i < TerrainLength; i++)
        {
            _terrainX[i] = i * TerrainStep;
            if (!oneshot)
            {
                velocity = 0.8 * velocity + 0.01 * Math.Sign(TerrainHeight - y);
                if (i > TerrainStartpad) velocity += Rng.Uniform(-1, 1) / Scale;
                y += velocity;
            }
            oneshot = false;
            _terrainY[i] = y;
            counter--;
            if (counter == 0)
            {
                counter = Integers.Next(TerrainGrass / 2, TerrainGrass);
                oneshot = true;
            }
        }
        var edge = new FixtureSpec(0f, (float)Friction, 0f, 0x0001, 0xFFFF);
        for (int i = 0; i < TerrainLength - 1; i++)
        {
            IntPtr t = world.CreateBody(Box2DNative.StaticBody, 0, 0, 0);
            Box2DWorld.AddEdge(t, _terrainX[i], _terrainY[i], _terrainX[i + 1], _terrainY[i + 1], edge);
        }
    }

    private void GenerateClouds()
    {
        for (int c = 0; c < TerrainLength / 20; c++)
        {
            double x = Rng.Uniform(0, TerrainLength) * TerrainStep;
            const double y = ViewportH / Scale * 3 / 4;
            for (int a = 0; a < 5; a++)
            {
                _cloudX[5 * c + a] = x + 15 * TerrainStep * Math.Sin(3.14 * 2 * a / 5) + Rng.Uniform(0, 5 * TerrainStep);
                _cloudY[5 * c + a] = y + 5 * TerrainStep * Math.Cos(3.14 * 2 * a / 5) + Rng.Uniform(0, 5 * TerrainStep);
            }
        }
    }

    private protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        for (int j = 0; j < 4; j++)
        {
            double rated = j % 2 == 0 ? SpeedHip : SpeedKnee;
            Box2DWorld.SetMotor(_joints[j], rated * Math.Sign(action[j]), MotorsTorque * Math.Clamp(Math.Abs((double)action[j]), 0, 1));
        }

        World.Step(1.0 / Fps, 6 * 30, 2 * 30);

        BodyState hull = Box2DWorld.Body(_hull);
        for (int i = 0; i < Lidars; i++)
        {
            double p2x = hull.X + Math.Sin(1.5 * i / 10.0) * LidarRange;
            double p2y = hull.Y - Math.Cos(1.5 * i / 10.0) * LidarRange;
            _lidar[i] = World.RayCast(hull.X, hull.Y, p2x, p2y, 0x0001);
        }

        var j0 = Box2DWorld.Joint(_joints[0]);
        var j1 = Box2DWorld.Joint(_joints[1]);
        var j2 = Box2DWorld.Joint(_joints[2]);
        var j3 = Box2DWorld.Joint(_joints[3]);
        double angle = hull.Angle;
        observation[0] = (float)angle;
        observation[1] = (float)(2.0 * hull.AngularVelocity / Fps);
        observation[2] = (float)(0.3 * hull.Vx * (ViewportW / Scale) / Fps);
        observation[3] = (float)(0.3 * hull.Vy * (ViewportH / Scale) / Fps);
        observation[4] = j0.Angle;
        observation[5] = (float)(j0.Speed / SpeedHip);
        observation[6] = (float)(j1.Angle + 1.0);
        observation[7] = (float)(j1.Speed / SpeedKnee);
        observation[8] = Box2DWorld.Body(_legs[1]).InContact ? 1f : 0f;
        observation[9] = j2.Angle;
        observation[10] = (float)(j2.Speed / SpeedHip);
        observation[11] = (float)(j3.Angle + 1.0);
        observation[12] = (float)(j3.Speed / SpeedKnee);
        observation[13] = Box2DWorld.Body(_legs[3]).InContact ? 1f : 0f;
        for (int i = 0; i < Lidars; i++) observation[14 + i] = _lidar[i];

        double shaping = Shaping(hull.X, angle);
        double reward = 0;
        if (_prevShaping is double prev) reward = shaping - prev;
        _prevShaping = shaping;
        for (int j = 0; j < 4; j++) reward -= TorqueCost(action[j]);

        bool terminated = false;
        if (World.GameOver || hull.X < 0)
        {
            reward = -100;
            terminated = true;
        }
        if (hull.X > FinishX) terminated = true;
        return new StepResult(reward, terminated, false);
    }

    /// <summary>Moving forward earns 130 per SCALE metres (about 300 over the course); a tilted hull costs 5 per radian.</summary>
    internal static double Shaping(double hullX, double hullAngle) => 130 * hullX / Scale - 5.0 * Math.Abs(hullAngle);

    /// <summary>0.00035 · MOTORS_TORQUE · clip(|a|, 0, 1), the energy cost of one motor command.</summary>
    internal static double TorqueCost(float a) => 0.00035 * MotorsTorque * Math.Clamp(Math.Abs((double)a), 0, 1);
}
