using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace TrpoEdge.Sim.Mujoco;

/// <summary>A compiled MuJoCo model (<c>mjModel*</c>) built from one of the MJCF files embedded in this assembly. A
/// model is read-only while simulating (<c>mj_step</c> takes it as <c>const</c>), so each file is compiled once per
/// process and shared by every environment and thread; only <c>mjData</c> is per environment. It is never freed.</summary>
internal sealed unsafe class MujocoModel
{
    private static readonly ConcurrentDictionary<string, Lazy<MujocoModel>> Cache = new(StringComparer.Ordinal);

    private MujocoModel(MujocoLibrary lib, nint model, string name)
    {
        Library = lib;
        Pointer = model;
        Name = name;
        Nq = MujocoLibrary.Read<int>(model, MujocoLayout.ModelNq);
        Nv = MujocoLibrary.Read<int>(model, MujocoLayout.ModelNv);
        Nu = MujocoLibrary.Read<int>(model, MujocoLayout.ModelNu);
        Na = MujocoLibrary.Read<int>(model, MujocoLayout.ModelNa);
        Nbody = MujocoLibrary.Read<int>(model, MujocoLayout.ModelNbody);
        Ngeom = MujocoLibrary.Read<int>(model, MujocoLayout.ModelNgeom);
        Timestep = MujocoLibrary.Read<double>(model, MujocoLayout.ModelOptTimestep);
        Qpos0 = new ReadOnlySpan<double>(MujocoLibrary.Array(model, MujocoLayout.ModelQpos0), Nq).ToArray();
        CtrlRange = new ReadOnlySpan<double>(MujocoLibrary.Array(model, MujocoLayout.ModelActuatorCtrlRange), 2 * Nu).ToArray();
        GeomType = new ReadOnlySpan<int>(*(int**)(model + MujocoLayout.ModelGeomType), Ngeom).ToArray();
        GeomSize = new ReadOnlySpan<double>(MujocoLibrary.Array(model, MujocoLayout.ModelGeomSize), 3 * Ngeom).ToArray();
        GeomBodyId = new ReadOnlySpan<int>(*(int**)(model + MujocoLayout.ModelGeomBodyId), Ngeom).ToArray();
        BodyMass = new ReadOnlySpan<double>(MujocoLibrary.Array(model, MujocoLayout.ModelBodyMass), Nbody).ToArray();
        double* g = (double*)(model + MujocoLayout.ModelOptGravity);
        Gravity = [g[0], g[1], g[2]];
    }

    public MujocoLibrary Library { get; }
    public nint Pointer { get; }
    public string Name { get; }
    public int Nq { get; }
    public int Nv { get; }
    public int Nu { get; }
    public int Na { get; }
    public int Nbody { get; }
    public int Ngeom { get; }
    /// <summary><c>opt.timestep</c>, seconds per <c>mj_step</c>.</summary>
    public double Timestep { get; }
    /// <summary>The reference configuration (Gymnasium's <c>init_qpos</c>).</summary>
    public double[] Qpos0 { get; }
    /// <summary>Actuator control ranges, [low, high] per actuator.</summary>
    public double[] CtrlRange { get; }
    /// <summary>mjtGeom per geom: 0 plane, 2 sphere, 3 capsule, 4 ellipsoid, 5 cylinder, 6 box.</summary>
    public int[] GeomType { get; }
    public double[] GeomSize { get; }
    public int[] GeomBodyId { get; }
    public double[] BodyMass { get; }
    public double[] Gravity { get; }

    public double TotalMass => Library.TotalMass(Pointer);

    /// <summary>The model compiled from the embedded resource <c>Models/&lt;file&gt;</c>.</summary>
    public static MujocoModel Get(string envId, string file)
    {
        MujocoLibrary lib = MujocoLibrary.Get(envId); // throws the one-line "install libmujoco2.2.2" first
        return Cache.GetOrAdd(file, f => new Lazy<MujocoModel>(() => Load(lib, f))).Value;
    }

    private static MujocoModel Load(MujocoLibrary lib, string file)
    {
        byte[] xml = ReadResource(file);
        byte[] name = Encoding.ASCII.GetBytes(file + "\0");
        // mjVFS is 2 MB (2,000 names of 1,000 chars); the XML goes in as an in-memory file so nothing touches the disk.
        void* vfs = NativeMemory.AllocZeroed((nuint)MujocoLayout.VfsSize);
        try
        {
            lib.DefaultVfs(vfs);
            fixed (byte* pName = name)
            {
                int rc = lib.MakeEmptyFileVfs(vfs, pName, xml.Length);
                int index = lib.FindFileVfs(vfs, pName);
                if (rc != 0 || index < 0)
                    throw new InvalidOperationException($"MuJoCo could not create the in-memory file {file} (mj_makeEmptyFileVFS returned {rc}).");
                void* data = ((void**)((byte*)vfs + MujocoLayout.VfsFileData))[index];
                xml.CopyTo(new Span<byte>(data, xml.Length));
                byte* error = stackalloc byte[1000];
                error[0] = 0;
                nint model = lib.LoadXml(pName, vfs, error, 1000);
                if (model == 0)
                    throw new InvalidDataException($"MuJoCo rejected the embedded model {file}: {Marshal.PtrToStringUTF8((nint)error)}");
                return new MujocoModel(lib, model, file);
            }
        }
        finally
        {
            lib.DeleteVfs(vfs);
            NativeMemory.Free(vfs);
        }
    }

    internal static byte[] ReadResource(string file)
    {
        string resource = "TrpoEdge.Sim.Mujoco.Models." + file;
        using Stream s = typeof(MujocoModel).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded model {resource} is missing from the build.");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary><c>mj_name2id</c>; -1 where there is no such object. Types: 1 body, 3 joint, 5 geom, 18 actuator.</summary>
    public int IdOf(int type, string name)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* p = bytes) return Library.NameToId(Pointer, type, p);
    }
}
