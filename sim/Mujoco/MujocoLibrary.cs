using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TrpoEdge.Sim.Mujoco;

/// <summary>MuJoCo's C API, bound at first use. The library is loaded explicitly (no DllImport resolver, which is one
/// per assembly) and each entry point is an unmanaged function pointer, so nothing here needs reflection or runtime
/// marshalling and the classic environments never touch it. A machine without the library gets a
/// <see cref="MujocoUnavailableException"/> naming the Debian package to install.</summary>
internal sealed unsafe class MujocoLibrary
{
    /// <summary><c>mj_version()</c> of the release whose struct layout <see cref="MujocoLayout"/> holds.</summary>
    public const int RequiredVersion = 222;
    public const string DebianPackage = "libmujoco2.2.2";
    /// <summary>Names the library file to load instead of searching (a MuJoCo 2.2.2 built elsewhere).</summary>
    public const string LibraryVariable = "TRPOEDGE_MUJOCO_LIBRARY";

    // Debian's runtime package ships only the versioned file; the unversioned link comes with -dev.
    private static readonly string[] Candidates = ["libmujoco.so.2.2.2", "libmujoco.so", "mujoco"];
    private static readonly Lock Gate = new();
    private static MujocoLibrary? _instance;
    private static int _warnings;

    public readonly delegate* unmanaged<int> Version;
    public readonly delegate* unmanaged<void*, void> DefaultVfs;
    public readonly delegate* unmanaged<void*, byte*, int, int> MakeEmptyFileVfs;
    public readonly delegate* unmanaged<void*, byte*, int> FindFileVfs;
    public readonly delegate* unmanaged<void*, void> DeleteVfs;
    public readonly delegate* unmanaged<byte*, void*, byte*, int, nint> LoadXml;
    public readonly delegate* unmanaged<nint, nint> MakeData;
    public readonly delegate* unmanaged<nint, void> DeleteData;
    public readonly delegate* unmanaged<nint, void> DeleteModel;
    public readonly delegate* unmanaged<nint, nint, void> ResetData;
    public readonly delegate* unmanaged<nint, nint, void> Forward;
    public readonly delegate* unmanaged<nint, nint, void> Step;
    public readonly delegate* unmanaged<nint, nint, void> Kinematics;
    public readonly delegate* unmanaged<nint, double> TotalMass;
    public readonly delegate* unmanaged<nint, int, byte*, int> NameToId;

    private MujocoLibrary(nint h)
    {
        Version = (delegate* unmanaged<int>)Export(h, "mj_version");
        DefaultVfs = (delegate* unmanaged<void*, void>)Export(h, "mj_defaultVFS");
        MakeEmptyFileVfs = (delegate* unmanaged<void*, byte*, int, int>)Export(h, "mj_makeEmptyFileVFS");
        FindFileVfs = (delegate* unmanaged<void*, byte*, int>)Export(h, "mj_findFileVFS");
        DeleteVfs = (delegate* unmanaged<void*, void>)Export(h, "mj_deleteVFS");
        LoadXml = (delegate* unmanaged<byte*, void*, byte*, int, nint>)Export(h, "mj_loadXML");
        MakeData = (delegate* unmanaged<nint, nint>)Export(h, "mj_makeData");
        DeleteData = (delegate* unmanaged<nint, void>)Export(h, "mj_deleteData");
        DeleteModel = (delegate* unmanaged<nint, void>)Export(h, "mj_deleteModel");
        ResetData = (delegate* unmanaged<nint, nint, void>)Export(h, "mj_resetData");
        Forward = (delegate* unmanaged<nint, nint, void>)Export(h, "mj_forward");
        Step = (delegate* unmanaged<nint, nint, void>)Export(h, "mj_step");
        Kinematics = (delegate* unmanaged<nint, nint, void>)Export(h, "mj_kinematics");
        TotalMass = (delegate* unmanaged<nint, double>)Export(h, "mj_getTotalmass");
        NameToId = (delegate* unmanaged<nint, int, byte*, int>)Export(h, "mj_name2id");
        // MuJoCo's default warning handler appends to MUJOCO_LOG.TXT in the working directory and prints to stdout;
        // count warnings instead (an unstable simulation also resets itself, as it does under Gymnasium).
        *(delegate* unmanaged<byte*, void>*)Export(h, "mju_user_warning") = &OnWarning;
    }

    /// <summary>MuJoCo warnings seen by this process (e.g. an unstable simulation that MuJoCo reset).</summary>
    public static int Warnings => Volatile.Read(ref _warnings);

    [UnmanagedCallersOnly]
    private static void OnWarning(byte* message) => Interlocked.Increment(ref _warnings);

    /// <summary>The bound library; loads it on first use. Throws <see cref="MujocoUnavailableException"/> (one line,
    /// naming the Debian package) where it is missing or is another MuJoCo release.</summary>
    public static MujocoLibrary Get(string envId)
    {
        MujocoLibrary? lib = Volatile.Read(ref _instance);
        if (lib is not null) return lib;
        lock (Gate)
        {
            if (_instance is not null) return _instance;
            string? overridePath = Environment.GetEnvironmentVariable(LibraryVariable);
            lib = string.IsNullOrEmpty(overridePath) ? Load(Candidates, envId) : Load([overridePath], envId, LibraryVariable);
            int version = lib.Version();
            if (version != RequiredVersion)
                throw new MujocoUnavailableException(
                    $"{envId} needs MuJoCo 2.2.2 (its data layout is compiled in); the loaded library reports version {version / 100}.{version / 10 % 10}.{version % 10}. Install the Debian package {DebianPackage}.");
            Volatile.Write(ref _instance, lib);
            return lib;
        }
    }

    /// <summary>Loads the first of <paramref name="names"/> that the loader finds and binds it (tests pass a name that
    /// does not exist to see the message a machine without MuJoCo gets).</summary>
    internal static MujocoLibrary Load(IReadOnlyList<string> names, string envId, string? variable = null)
    {
        nint handle = 0;
        foreach (string name in names)
            if (NativeLibrary.TryLoad(name, typeof(MujocoLibrary).Assembly, null, out handle)) break;
        if (handle == 0)
            throw new MujocoUnavailableException(variable is null
                ? $"{envId} needs the MuJoCo 2.2.2 native library (libmujoco.so.2.2.2), which was not found: install the Debian package {DebianPackage} (apt-get install {DebianPackage})."
                : $"{envId} needs the MuJoCo 2.2.2 native library; {variable} names {names[0]}, which could not be loaded: point it at a libmujoco.so.2.2.2, or unset it and install the Debian package {DebianPackage} (apt-get install {DebianPackage}).");
        return new MujocoLibrary(handle);
    }

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out nint address)
            ? address
            : throw new MujocoUnavailableException($"The MuJoCo library lacks the entry point {name}; install the Debian package {DebianPackage} (MuJoCo 2.2.2).");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read<T>(nint structure, int offset) where T : unmanaged => *(T*)(structure + offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double* Array(nint structure, int offset) => *(double**)(structure + offset);
}
