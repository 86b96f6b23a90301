using TrpoEdge.Sim.Box2D;
using TrpoEdge.Sim.Envs;

namespace TrpoEdge.Sim;

/// <summary>Creates environments by id: the Gymnasium ids, a path to a rig YAML file, or
/// <c>Rig:&lt;name&gt;</c> (resolved to <c>hardware/rigs/&lt;name&gt;.yaml</c> under <c>TRPOEDGE_RIGS_DIR</c>,
/// the working directory or the application directory and their parents).</summary>
public static class EnvRegistry
{
    /// <summary>The Gymnasium ids this registry knows (rig files are accepted in addition).</summary>
    public static IReadOnlyList<string> Ids { get; } =
        [PendulumEnv.EnvId, CartPoleEnv.EnvId, AcrobotEnv.EnvId, MountainCarContinuousEnv.EnvId,
         HopperEnv.EnvId, HalfCheetahEnv.EnvId,
         LunarLanderEnv.DiscreteId, LunarLanderEnv.ContinuousId, BipedalWalkerEnv.EnvId];

    public static IEnv Make(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        // Ids are matched without regard to case (pendulum-v1 is Pendulum-v1); the environment reports the canonical one.
        id = Ids.FirstOrDefault(known => string.Equals(known, id, StringComparison.OrdinalIgnoreCase)) ?? id;
        if (id.StartsWith("rig:", StringComparison.OrdinalIgnoreCase)) id = "Rig:" + id[4..];
        switch (id)
        {
            case PendulumEnv.EnvId: return new PendulumEnv();
            case CartPoleEnv.EnvId: return new CartPoleEnv();
            case AcrobotEnv.EnvId: return new AcrobotEnv();
            case MountainCarContinuousEnv.EnvId: return new MountainCarContinuousEnv();
            // MuJoCo: the native library is loaded here, not before; without it a one-line MujocoUnavailableException.
            case HopperEnv.EnvId: return new HopperEnv();
            case HalfCheetahEnv.EnvId: return new HalfCheetahEnv();
            // Box2D: the constructors say which Debian package to install where the native library is missing.
            case LunarLanderEnv.DiscreteId: return new LunarLanderEnv(continuous: false);
            case LunarLanderEnv.ContinuousId: return new LunarLanderEnv(continuous: true);
            case BipedalWalkerEnv.EnvId: return new BipedalWalkerEnv();
        }
        if (id.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || id.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            return new RigEnv(RigSpec.Load(id));
        if (id.StartsWith("Rig:", StringComparison.Ordinal))
        {
            string? path = FindRigFile(id.Substring(4));
            if (path is not null) return new RigEnv(RigSpec.Load(path));
            throw new ArgumentException($"No rig file for '{id}': looked for hardware/rigs/{id.Substring(4)}.yaml under TRPOEDGE_RIGS_DIR, the working directory and the application directory. Pass the YAML path instead.");
        }
        throw new ArgumentException($"Unknown environment id '{id}'. Known ids: {string.Join(", ", Ids)}; or a path to a rig file (*.yaml), or Rig:<name>. `trainer list` shows them.");
    }

    /// <summary>Finds <c>&lt;name&gt;.yaml</c> in TRPOEDGE_RIGS_DIR, else in hardware/rigs below the working or
    /// application directory or any of their parents. Null when absent.</summary>
    public static string? FindRigFile(string name)
    {
        if (name.Length == 0 || name.IndexOfAny(['/', '\\', ':']) >= 0) return null;
        string? env = Environment.GetEnvironmentVariable("TRPOEDGE_RIGS_DIR");
        if (!string.IsNullOrEmpty(env))
        {
            string p = Path.Combine(env, name + ".yaml");
            if (File.Exists(p)) return p;
        }
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string p = Path.Combine(dir.FullName, "hardware", "rigs", name + ".yaml");
                if (File.Exists(p)) return p;
            }
        }
        return null;
    }
}
