namespace TrpoEdge.Sim.Mujoco;

/// <summary>Byte offsets of the <c>mjModel</c>, <c>mjData</c> and <c>mjVFS</c> fields read here, as MuJoCo 2.2.2's
/// headers lay them out on a 64-bit machine (<c>mjtNum</c> = double). The structs change between MuJoCo releases,
/// which is why <see cref="MujocoLibrary"/> refuses any version but <see cref="MujocoLibrary.RequiredVersion"/>; a test
/// compiles a C program against the installed headers and compares every value with <c>offsetof</c>.</summary>
internal static class MujocoLayout
{
    // mjModel: sizes
    public const int ModelNq = 0, ModelNv = 4, ModelNu = 8, ModelNa = 12, ModelNbody = 16, ModelNgeom = 24;
    // mjModel.opt (mjOption): timestep first, gravity[3] further in.
    public const int ModelOptTimestep = 232, ModelOptGravity = 280;
    // mjModel arrays (pointers)
    public const int ModelQpos0 = 1096, ModelBodyMass = 1240, ModelGeomType = 1488, ModelGeomBodyId = 1520,
        ModelGeomSize = 1592, ModelActuatorCtrlRange = 2792;

    // mjData: the simulated time, then arrays (pointers)
    public const int DataTime = 40336;
    public const int DataQpos = 40376, DataQvel = 40384, DataAct = 40392, DataQaccWarmstart = 40400, DataCtrl = 40408,
        DataGeomXpos = 40536, DataGeomXmat = 40544;

    // mjVFS: int nfile; char filename[2000][1000]; int filesize[2000]; void* filedata[2000].
    public const int VfsSize = 2024008, VfsFileData = 2008008;

    /// <summary>Every offset by its C name, for the test that checks them against <c>offsetof</c>.</summary>
    public static IReadOnlyList<(string Struct, string Field, int Offset)> All { get; } =
    [
        ("mjModel", "nq", ModelNq), ("mjModel", "nv", ModelNv), ("mjModel", "nu", ModelNu), ("mjModel", "na", ModelNa),
        ("mjModel", "nbody", ModelNbody), ("mjModel", "ngeom", ModelNgeom), ("mjModel", "opt.timestep", ModelOptTimestep),
        ("mjModel", "opt.gravity", ModelOptGravity), ("mjModel", "qpos0", ModelQpos0), ("mjModel", "body_mass", ModelBodyMass),
        ("mjModel", "geom_type", ModelGeomType), ("mjModel", "geom_bodyid", ModelGeomBodyId), ("mjModel", "geom_size", ModelGeomSize),
        ("mjModel", "actuator_ctrlrange", ModelActuatorCtrlRange),
        ("mjData", "time", DataTime), ("mjData", "qpos", DataQpos), ("mjData", "qvel", DataQvel), ("mjData", "act", DataAct),
        ("mjData", "qacc_warmstart", DataQaccWarmstart), ("mjData", "ctrl", DataCtrl), ("mjData", "geom_xpos", DataGeomXpos),
        ("mjData", "geom_xmat", DataGeomXmat), ("mjVFS", "filedata", VfsFileData), ("mjVFS", "sizeof", VfsSize),
    ];
}
