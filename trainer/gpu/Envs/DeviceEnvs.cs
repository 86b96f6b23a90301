using ILGPU.Runtime;
using TrpoEdge.Sim;

namespace TrpoEdge.Trainer.Gpu.Envs;

/// <summary>Which environments have device kernels, by registry id.</summary>
internal static class DeviceEnvs
{
    public static readonly string[] Supported = ["Pendulum-v1", "CartPole-v1", "rig files (hardware/rigs/*.yaml, Rig:<name>)"];

    /// <summary>The device version of what <c>EnvRegistry.Make(envId)</c> builds; a rig file gives the nominal rig, as
    /// on the CPU.</summary>
    public static IDeviceEnv Create(Accelerator accelerator, string envId, int count)
    {
        switch (envId)
        {
            case "Pendulum-v1": return new PendulumDeviceEnv(accelerator, count);
            case "CartPole-v1": return new CartPoleDeviceEnv(accelerator, count);
        }
        if (EnvRegistry.Make(envId) is RigEnv rig) return new RigDeviceEnv(accelerator, rig.Spec, count, randomize: false);
        throw new NotSupportedException($"--device cuda has device kernels for {string.Join(", ", Supported)}; '{envId}' runs on --device cpu.");
    }
}
