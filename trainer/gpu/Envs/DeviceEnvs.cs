using ILGPU.Runtime;

namespace TrpoEdge.Trainer.Gpu.Envs;

/// <summary>Which environments have device kernels, by registry id.</summary>
internal static class DeviceEnvs
{
    public static readonly string[] Supported = ["Pendulum-v1", "CartPole-v1"];

    public static IDeviceEnv Create(Accelerator accelerator, string envId, int count) => envId switch
    {
        "Pendulum-v1" => new PendulumDeviceEnv(accelerator, count),
        "CartPole-v1" => new CartPoleDeviceEnv(accelerator, count),
        _ => throw new NotSupportedException($"--device cuda has device kernels for {string.Join(" and ", Supported)}; '{envId}' runs on --device cpu."),
    };
}
