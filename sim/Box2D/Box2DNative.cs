using System.Runtime.InteropServices;

namespace TrpoEdge.Sim.Box2D;

/// <summary>The C shim over Box2D 2.4 (<c>native/trpoedge_box2d.cpp</c>, compiled by this project's build with g++
/// against Debian's libbox2d-dev into <c>libtrpoedge_box2d.so</c> beside the program). Pointers are Box2D objects
/// owned by their world; they stay valid until the world is destroyed.</summary>
internal static partial class Box2DNative
{
    internal const string Library = "trpoedge_box2d";
    internal const int StaticBody = 0, DynamicBody = 2;
    /// <summary>Body tags: a contact that begins touching the body ends the game; the body's contact flag follows its contacts.</summary>
    internal const int TagGameOver = 1, TagTrackContact = 2;

    private static readonly Lazy<string?> LoadError = new(() => Probe(Library));

    /// <summary>Why the Box2D environments cannot run here (one line naming the package to install), or null.</summary>
    internal static string? Unavailable => LoadError.Value;

    /// <summary>Throws one clear line naming the Debian package when the shim or Box2D cannot be loaded. Only the
    /// Box2D environments call this, so the classic ones never need the native library.</summary>
    internal static void EnsureAvailable(string envId)
    {
        if (LoadError.Value is string error)
            throw new NotSupportedException($"{envId} needs Box2D 2.4: {error}");
    }

    /// <summary>Loads <paramref name="library"/> (the shim) and checks the Box2D version behind it.</summary>
    internal static string? Probe(string library)
    {
        if (!OperatingSystem.IsLinux())
            return "the Box2D environments run on Linux, with Debian's libbox2d-dev (this is " + RuntimeInformation.OSDescription + ").";
        if (!NativeLibrary.TryLoad(library, typeof(Box2DNative).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories, out IntPtr handle))
        {
            bool box2d = NativeLibrary.TryLoad("libbox2d.so.2", out IntPtr lib);
            if (box2d) NativeLibrary.Free(lib);
            return box2d
                ? $"the shim lib{library}.so is not beside the program; the build compiles it where libbox2d-dev and g++ are installed: run `apt-get install libbox2d-dev g++` and rebuild."
                : $"the Box2D library is not installed; run `apt-get install libbox2d-dev g++` (Debian's package) and rebuild, so the build compiles the shim lib{library}.so.";
        }
        NativeLibrary.Free(handle);
        int version = tb2_version();
        if (version / 100 != 204)
            return $"the shim runs against Box2D {version / 10000}.{version / 100 % 100}.{version % 100}; it is written for 2.4 (Debian's libbox2d-dev 2.4.1).";
        return null;
    }

    [LibraryImport(Library)] internal static partial int tb2_version();
    [LibraryImport(Library)] internal static partial IntPtr tb2_world_create(float gx, float gy);
    [LibraryImport(Library)] internal static partial void tb2_world_destroy(IntPtr world);
    [LibraryImport(Library)] internal static partial void tb2_world_step(IntPtr world, float dt, int velocityIterations, int positionIterations);
    [LibraryImport(Library)] internal static partial int tb2_world_game_over(IntPtr world);
    [LibraryImport(Library)] internal static partial IntPtr tb2_body_create(IntPtr world, int type, float x, float y, float angle, int tags);
    [LibraryImport(Library)] internal static unsafe partial int tb2_fixture_polygon(IntPtr body, float* xy, int n, float density, float friction, float restitution, int category, int mask);
    [LibraryImport(Library)] internal static partial int tb2_fixture_box(IntPtr body, float halfWidth, float halfHeight, float density, float friction, float restitution, int category, int mask);
    [LibraryImport(Library)] internal static partial int tb2_fixture_edge(IntPtr body, float x1, float y1, float x2, float y2, float density, float friction, float restitution, int category, int mask);
    [LibraryImport(Library)] internal static partial int tb2_fixture_circle(IntPtr body, float radius, float x, float y, float density, float friction, float restitution, int category, int mask);
    [LibraryImport(Library)] internal static partial IntPtr tb2_revolute_create(IntPtr world, IntPtr a, IntPtr b, float ax, float ay, float bx, float by, float referenceAngle,
        int enableMotor, float maxMotorTorque, float motorSpeed, int enableLimit, float lower, float upper);
    [LibraryImport(Library)] internal static partial void tb2_revolute_set_motor(IntPtr joint, float motorSpeed, float maxMotorTorque);
    [LibraryImport(Library)] internal static unsafe partial void tb2_revolute_get(IntPtr joint, float* angleSpeed);
    [LibraryImport(Library)] internal static unsafe partial void tb2_body_get(IntPtr body, float* state);
    [LibraryImport(Library)] internal static partial void tb2_body_apply_force_to_center(IntPtr body, float fx, float fy, int wake);
    [LibraryImport(Library)] internal static partial void tb2_body_apply_linear_impulse(IntPtr body, float ix, float iy, float px, float py, int wake);
    [LibraryImport(Library)] internal static partial void tb2_body_apply_torque(IntPtr body, float torque, int wake);
    [LibraryImport(Library)] internal static partial float tb2_raycast(IntPtr world, float x1, float y1, float x2, float y2, int category);
}
