using System.Runtime.InteropServices;

namespace TrpoEdge.Sim.Box2D;

/// <summary>One Box2D world with Gymnasium's contact detector, through the C shim. Bodies and joints are raw
/// pointers owned by the world: valid until <see cref="Dispose"/>, which frees everything at once (an environment
/// builds a new world for every episode, as Gymnasium does).</summary>
internal sealed class Box2DWorld : IDisposable
{
    private readonly WorldHandle _handle;

    public Box2DWorld(double gravityX, double gravityY)
    {
        _handle = new WorldHandle(Box2DNative.tb2_world_create((float)gravityX, (float)gravityY));
        if (_handle.IsInvalid) throw new OutOfMemoryException("Box2D could not allocate a world.");
    }

    private IntPtr Ptr => _handle.DangerousGetHandle();

    /// <summary>Whether a contact began touching a body tagged <see cref="Box2DNative.TagGameOver"/>.</summary>
    public bool GameOver => Box2DNative.tb2_world_game_over(Ptr) != 0;

    /// <summary>Coordinates are Gymnasium's float64 values; Box2D stores them as float32 (as pybox2d converts them).</summary>
    public IntPtr CreateBody(int type, double x, double y, double angle, int tags = 0) =>
        Box2DNative.tb2_body_create(Ptr, type, (float)x, (float)y, (float)angle, tags);

    public static unsafe void AddPolygon(IntPtr body, ReadOnlySpan<float> xy, in FixtureSpec f)
    {
        fixed (float* p = xy)
        {
            if (Box2DNative.tb2_fixture_polygon(body, p, xy.Length / 2, f.Density, f.Friction, f.Restitution, f.Category, f.Mask) == 0)
                throw new ArgumentException($"A Box2D polygon has 3 to 8 vertices; got {xy.Length / 2}.", nameof(xy));
        }
    }

    public static void AddBox(IntPtr body, double halfWidth, double halfHeight, in FixtureSpec f) =>
        Box2DNative.tb2_fixture_box(body, (float)halfWidth, (float)halfHeight, f.Density, f.Friction, f.Restitution, f.Category, f.Mask);

    public static void AddEdge(IntPtr body, double x1, double y1, double x2, double y2, in FixtureSpec f) =>
        Box2DNative.tb2_fixture_edge(body, (float)x1, (float)y1, (float)x2, (float)y2, f.Density, f.Friction, f.Restitution, f.Category, f.Mask);

    public IntPtr CreateRevolute(IntPtr a, IntPtr b, double ax, double ay, double bx, double by, bool enableMotor, double maxMotorTorque,
        double motorSpeed, bool enableLimit, double lower, double upper) =>
        Box2DNative.tb2_revolute_create(Ptr, a, b, (float)ax, (float)ay, (float)bx, (float)by, 0f, enableMotor ? 1 : 0,
            (float)maxMotorTorque, (float)motorSpeed, enableLimit ? 1 : 0, (float)lower, (float)upper);

    public void Step(double dt, int velocityIterations, int positionIterations) =>
        Box2DNative.tb2_world_step(Ptr, (float)dt, velocityIterations, positionIterations);

    public static unsafe BodyState Body(IntPtr body)
    {
        float* s = stackalloc float[8];
        Box2DNative.tb2_body_get(body, s);
        return new BodyState(s[0], s[1], s[2], s[3], s[4], s[5], s[6] != 0, s[7] != 0);
    }

    /// <summary>Box2D's joint angle and angular speed (float32, as pybox2d returns them).</summary>
    public static unsafe (float Angle, float Speed) Joint(IntPtr joint)
    {
        float* s = stackalloc float[2];
        Box2DNative.tb2_revolute_get(joint, s);
        return (s[0], s[1]);
    }

    public static void SetMotor(IntPtr joint, double speed, double maxTorque) =>
        Box2DNative.tb2_revolute_set_motor(joint, (float)speed, (float)maxTorque);

    public static void ApplyForceToCenter(IntPtr body, double fx, double fy) =>
        Box2DNative.tb2_body_apply_force_to_center(body, (float)fx, (float)fy, 1);

    public static void ApplyLinearImpulse(IntPtr body, double ix, double iy, double px, double py) =>
        Box2DNative.tb2_body_apply_linear_impulse(body, (float)ix, (float)iy, (float)px, (float)py, 1);

    public static void ApplyTorque(IntPtr body, double torque) => Box2DNative.tb2_body_apply_torque(body, (float)torque, 1);

    /// <summary>The fraction along the segment of the closest fixture whose category has a bit of <paramref name="category"/>; 1 if none.</summary>
    public float RayCast(double x1, double y1, double x2, double y2, int category) =>
        Box2DNative.tb2_raycast(Ptr, (float)x1, (float)y1, (float)x2, (float)y2, category);

    public void Dispose() => _handle.Dispose();

    private sealed class WorldHandle : SafeHandle
    {
        public WorldHandle(IntPtr world) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(world);
        public override bool IsInvalid => handle == IntPtr.Zero;
        protected override bool ReleaseHandle()
        {
            Box2DNative.tb2_world_destroy(handle);
            return true;
        }
    }
}
