using TrpoEdge.Sim.Spaces;

namespace TrpoEdge.Sim.Box2D;

/// <summary>Gymnasium 0.29's LunarLander-v2 and LunarLanderContinuous-v2 (<c>continuous=True</c>) on Box2D 2.4.
/// Everything around the physics follows Gymnasium exactly: the terrain and the initial push drawn from
/// <c>np_random</c> in its order, the engines' dispersion draws, the impulse geometry in float64 handed to Box2D
/// as float32, the shaping reward and fuel costs, crash / out-of-bounds / at-rest termination, the reset's
/// no-op step, the wind and turbulence functions, and the 1,000-step time limit. Trajectories differ from
/// Gymnasium's because it runs Box2D 2.3. Engine particles are left out: Gymnasium creates them only when
/// rendering, and they collide with the ground only, so they never touch the lander.
/// <para>Two points follow LunarLander-v3's fixes rather than v2: the wind and turbulence offsets are drawn from the
/// episode's generator at every reset (v2 drew them once per environment from NumPy's unseeded global generator,
/// which no seed reproduces), and every reset builds a new world (v2 reused it, which Gymnasium found made episodes
/// nondeterministic). Without wind the draws are v2's exactly. The observation bounds are v2's (±1.5, ±5, ±π).</para></summary>
public sealed class LunarLanderEnv : Box2DEnv
{
    public const string DiscreteId = "LunarLander-v2", ContinuousId = "LunarLanderContinuous-v2";
    internal const double Fps = 50, Scale = 30.0, MainEnginePower = 13.0, SideEnginePower = 0.6, InitialRandom = 1000.0;
    internal const double LegAway = 20, LegDown = 18, LegW = 2, LegH = 8, LegSpringTorque = 40;
    internal const double SideEngineHeight = 14.0, SideEngineAway = 12.0, ViewportW = 600, ViewportH = 400;
    internal const int Chunks = 11, TimeLimit = 1000;
    internal static readonly (double X, double Y)[] LanderPoly = [(-14, +17), (-17, 0), (-17, -10), (+17, -10), (+17, 0), (+14, +17)];

    private static readonly BoxSpace ObsSpace = new(
        [-1.5f, -1.5f, -5f, -5f, -(float)Math.PI, -5f, -0f, -0f],
        [1.5f, 1.5f, 5f, 5f, (float)Math.PI, 5f, 1f, 1f]);
    private static readonly BoxSpace ContinuousSpace = new([-1f, -1f], [1f, 1f]);
    private static readonly DiscreteSpace DiscreteActions = new(4);

    private readonly bool _continuous, _enableWind;
    private readonly double _gravity, _windPower, _turbulencePower;
    private readonly double[] _options;
    private IntPtr _lander, _leg0, _leg1;
    private double _helipadX1, _helipadX2, _helipadY;
    private readonly double[] _terrainY = new double[Chunks];
    private long _windIdx, _torqueIdx;
    private double? _prevShaping;
    // Engine powers of the last step, for rendering the flames.
    internal double LastMainPower { get; private set; }
    internal double LastSidePower { get; private set; }
    internal double LastSideDirection { get; private set; }

    /// <param name="continuous">Gymnasium's <c>continuous</c>: a Box(-1, 1, (2,)) action of throttles instead of 4 discrete ones.</param>
    /// <param name="gravity">Gymnasium's <c>gravity</c>, in (-12, 0).</param>
    /// <param name="enableWind">Wind and turbulence while no leg touches the ground.</param>
    /// <param name="windPower">Largest linear wind force (recommended 0 to 20).</param>
    /// <param name="turbulencePower">Largest rotational wind torque (recommended 0 to 2).</param>
    public LunarLanderEnv(bool continuous = false, double gravity = -10.0, bool enableWind = false, double windPower = 15.0, double turbulencePower = 1.5)
        : base(continuous ? ContinuousId : DiscreteId)
    {
        if (!(gravity > -12.0 && gravity < 0.0))
            throw new ArgumentOutOfRangeException(nameof(gravity), gravity, "LunarLander's gravity must lie in (-12, 0), as Gymnasium requires.");
        if (!double.IsFinite(windPower) || !double.IsFinite(turbulencePower))
            throw new ArgumentOutOfRangeException(nameof(windPower), $"Wind power {windPower} and turbulence power {turbulencePower} must be finite.");
        _continuous = continuous;
        _gravity = gravity;
        _enableWind = enableWind;
        _windPower = windPower;
        _turbulencePower = turbulencePower;
        _options = [continuous ? 1 : 0, gravity, enableWind ? 1 : 0, windPower, turbulencePower];
    }

    public override string Id => _continuous ? ContinuousId : DiscreteId;
    public override Space ObservationSpace => ObsSpace;
    public override Space ActionSpace => _continuous ? ContinuousSpace : DiscreteActions;
    public override int MaxEpisodeSteps => TimeLimit;
    public bool Continuous => _continuous;
    private protected override double[] Options => _options;
    private protected override double GravityY => _gravity;

    internal double HelipadX1 => _helipadX1;
    internal double HelipadX2 => _helipadX2;
    internal double HelipadY => _helipadY;
    /// <summary>The smoothed terrain heights at the chunk boundaries x = W/10·i (metres).</summary>
    internal ReadOnlySpan<double> TerrainY => _terrainY;
    internal BodyState Lander => Box2DWorld.Body(_lander);
    internal BodyState Leg(int i) => Box2DWorld.Body(i == 0 ? _leg0 : _leg1);
    internal (long Wind, long Torque) WindIndices => (_windIdx, _torqueIdx);
    internal double? PrevShaping => _prevShaping;

    private protected override void BuildEpisode(Box2DWorld world, Span<float> observation)
    {
        _prevShaping = null;
        const double w = ViewportW / Scale, h = ViewportH / Scale;

        // Terrain: 12 heights, the helipad flattened, then smoothed over three neighbours (index -1 wraps, as in Python).
        Span<double> height = stackalloc double[Chunks + 1];
        for (int i = 0; i < height.Length; i++) height[i] = Rng.Uniform(0, h / 2);
        Span<double> chunkX = stackalloc double[Chunks];
        for (int i = 0; i < Chunks; i++) chunkX[i] = w / (Chunks - 1) * i;
        _helipadX1 = chunkX[Chunks / 2 - 1];
        _helipadX2 = chunkX[Chunks / 2 + 1];
        _helipadY = h / 4;
        for (int k = -2; k <= 2; k++) height[Chunks / 2 + k] = _helipadY;
        for (int i = 0; i < Chunks; i++)
            _terrainY[i] = 0.33 * (height[(i - 1 + height.Length) % height.Length] + height[i] + height[i + 1]);

        IntPtr moon = world.CreateBody(Box2DNative.StaticBody, 0, 0, 0);
        Box2DWorld.AddEdge(moon, 0, 0, w, 0, new FixtureSpec(0f));
        for (int i = 0; i < Chunks - 1; i++)
            Box2DWorld.AddEdge(moon, chunkX[i], _terrainY[i], chunkX[i + 1], _terrainY[i + 1], new FixtureSpec(0f, 0.1f));

        const double initialY = ViewportH / Scale, initialX = ViewportW / Scale / 2;
        _lander = world.CreateBody(Box2DNative.DynamicBody, initialX, initialY, 0.0, Box2DNative.TagGameOver);
        Span<float> poly = stackalloc float[2 * LanderPoly.Length];
        for (int i = 0; i < LanderPoly.Length; i++)
        {
            poly[2 * i] = (float)(LanderPoly[i].X / Scale);
            poly[2 * i + 1] = (float)(LanderPoly[i].Y / Scale);
        }
        Box2DWorld.AddPolygon(_lander, poly, new FixtureSpec(5f, 0.1f, 0f, 0x0010, 0x001));
        double fx = Rng.Uniform(-InitialRandom, InitialRandom);
        double fy = Rng.Uniform(-InitialRandom, InitialRandom);
        Box2DWorld.ApplyForceToCenter(_lander, fx, fy);

        if (_enableWind)
        {
            _windIdx = Integers.Next(-9999, 9999);
            _torqueIdx = Integers.Next(-9999, 9999);
        }
        else
        {
            _windIdx = _torqueIdx = 0;
        }

        for (int side = -1; side <= 1; side += 2)
        {
            IntPtr leg = world.CreateBody(Box2DNative.DynamicBody, initialX - side * LegAway / Scale, initialY, side * 0.05, Box2DNative.TagTrackContact);
            Box2DWorld.AddBox(leg, LegW / Scale, LegH / Scale, new FixtureSpec(1f, 0.2f, 0f, 0x0020, 0x001));
            // "The most esoteric numbers here, angled legs have freedom to travel within" (Gymnasium).
            (double lower, double upper) = side == -1 ? (+0.9 - 0.5, +0.9) : (-0.9, -0.9 + 0.5);
            world.CreateRevolute(_lander, leg, 0, 0, side * LegAway / Scale, LegDown / Scale, true, LegSpringTorque, +0.3 * side, true, lower, upper);
            if (side == -1) _leg0 = leg; else _leg1 = leg;
        }

        Span<float> noop = stackalloc float[2];
        noop.Clear();
        StepCore(_continuous ? noop : noop[..1], observation);
    }

    private protected override StepResult StepCore(ReadOnlySpan<float> action, Span<float> observation)
    {
        BodyState lander = Box2DWorld.Body(_lander);
        if (_enableWind && !(Box2DWorld.Body(_leg0).InContact || Box2DWorld.Body(_leg1).InContact))
        {
            // tanh(sin(2k x) + sin(π k x)), k = 0.01: never periodic.
            double windMag = Math.Tanh(Math.Sin(0.02 * _windIdx) + Math.Sin(Math.PI * 0.01 * _windIdx)) * _windPower;
            _windIdx++;
            Box2DWorld.ApplyForceToCenter(_lander, windMag, 0.0);
            double torqueMag = Math.Tanh(Math.Sin(0.02 * _torqueIdx) + Math.Sin(Math.PI * 0.01 * _torqueIdx)) * _turbulencePower;
            _torqueIdx++;
            Box2DWorld.ApplyTorque(_lander, torqueMag);
        }

        // Continuous actions are clipped to [-1, 1] as float32; the power arithmetic is float64 (NumPy 1.x scalars).
        float a0 = 0, a1 = 0;
        int discrete = 0;
        if (_continuous)
        {
            a0 = Math.Clamp(action[0], -1f, 1f);
            a1 = Math.Clamp(action[1], -1f, 1f);
        }
        else
        {
            discrete = (int)action[0];
        }

        double tip0 = Math.Sin(lander.Angle), tip1 = Math.Cos(lander.Angle);
        double side0 = -tip1, side1 = tip0;
        double d0 = Rng.Uniform(-1.0, +1.0) / Scale;
        double d1 = Rng.Uniform(-1.0, +1.0) / Scale;
        double px = lander.X, py = lander.Y;

        double mPower = 0.0;
        if ((_continuous && a0 > 0.0f) || (!_continuous && discrete == 2))
        {
            mPower = _continuous ? (Math.Clamp((double)a0, 0.0, 1.0) + 1.0) * 0.5 : 1.0;
            // 4 is move a bit downwards, ±2 for randomness.
            double ox = tip0 * (4 / Scale + 2 * d0) + side0 * d1;
            double oy = -tip1 * (4 / Scale + 2 * d0) - side1 * d1;
            Box2DWorld.ApplyLinearImpulse(_lander, -ox * MainEnginePower * mPower, -oy * MainEnginePower * mPower, px + ox, py + oy);
        }

        double sPower = 0.0, direction = 0.0;
        if ((_continuous && Math.Abs(a1) > 0.5f) || (!_continuous && (discrete == 1 || discrete == 3)))
        {
            if (_continuous)
            {
                direction = Math.Sign(a1);
                sPower = Math.Clamp(Math.Abs((double)a1), 0.5, 1.0);
            }
            else
            {
                direction = discrete - 2;
                sPower = 1.0;
            }
            double ox = tip0 * d0 + side0 * (3 * d1 + direction * SideEngineAway / Scale);
            double oy = -tip1 * d0 - side1 * (3 * d1 + direction * SideEngineAway / Scale);
            // Gymnasium offsets the side impulse by 17/SCALE sideways (not SIDE_ENGINE_HEIGHT), an orientation-dependent torque kept as is.
            double ix = px + ox - tip0 * 17 / Scale, iy = py + oy + tip1 * SideEngineHeight / Scale;
            Box2DWorld.ApplyLinearImpulse(_lander, -ox * SideEnginePower * sPower, -oy * SideEnginePower * sPower, ix, iy);
        }
        LastMainPower = mPower;
        LastSidePower = sPower;
        LastSideDirection = direction;

        World.Step(1.0 / Fps, 6 * 30, 2 * 30);

        lander = Box2DWorld.Body(_lander);
        bool contact0 = Box2DWorld.Body(_leg0).InContact, contact1 = Box2DWorld.Body(_leg1).InContact;
        double s0 = (lander.X - ViewportW / Scale / 2) / (ViewportW / Scale / 2);
        double s1 = (lander.Y - (_helipadY + LegDown / Scale)) / (ViewportH / Scale / 2);
        double s2 = lander.Vx * (ViewportW / Scale / 2) / Fps;
        double s3 = lander.Vy * (ViewportH / Scale / 2) / Fps;
        double s4 = lander.Angle;
        double s5 = 20.0 * lander.AngularVelocity / Fps;
        double s6 = contact0 ? 1.0 : 0.0, s7 = contact1 ? 1.0 : 0.0;
        observation[0] = (float)s0;
        observation[1] = (float)s1;
        observation[2] = (float)s2;
        observation[3] = (float)s3;
        observation[4] = (float)s4;
        observation[5] = (float)s5;
        observation[6] = (float)s6;
        observation[7] = (float)s7;

        double shaping = Shaping(s0, s1, s2, s3, s4, s6, s7);
        double reward = 0;
        if (_prevShaping is double prev) reward = shaping - prev;
        _prevShaping = shaping;
        reward -= mPower * 0.30; // less fuel spent is better, about -30 for a heuristic landing
        reward -= sPower * 0.03;

        bool terminated = false;
        if (World.GameOver || Math.Abs(s0) >= 1.0)
        {
            terminated = true;
            reward = -100;
        }
        if (!lander.Awake)
        {
            terminated = true;
            reward = +100;
        }
        return new StepResult(reward, terminated, false);
    }

    /// <summary>Gymnasium's potential: distance to the pad, speed and tilt cost, ten points per leg on the ground.</summary>
    internal static double Shaping(double s0, double s1, double s2, double s3, double s4, double s6, double s7) =>
        -100 * Math.Sqrt(s0 * s0 + s1 * s1) - 100 * Math.Sqrt(s2 * s2 + s3 * s3) - 100 * Math.Abs(s4) + 10 * s6 + 10 * s7;
}
