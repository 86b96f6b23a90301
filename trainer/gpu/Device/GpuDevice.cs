using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace TrpoEdge.Trainer.Gpu.Device;

/// <summary>One ILGPU accelerator and the context that owns it: a CUDA device for training, or ILGPU's CPU
/// accelerator — an exact, slow simulator of the same kernels that the tests run on machines without a GPU.</summary>
public sealed class GpuDevice : IDisposable
{
    private DeviceKernels? _kernels;
    private Reducer? _reducer;
    private HeadKernels? _heads;

    private GpuDevice(Context context, Accelerator accelerator)
    {
        Context = context;
        Accelerator = accelerator;
    }

    /// <summary>The shared network and vector kernels, compiled on first use.</summary>
    internal DeviceKernels Kernels => _kernels ??= new DeviceKernels(Accelerator);

    /// <summary>The policy-head, critic and gather kernels, compiled on first use.</summary>
    internal HeadKernels Heads => _heads ??= new HeadKernels(Accelerator);

    /// <summary>The shared reduction buffers (one stream: reductions run one at a time).</summary>
    internal Reducer Reducer => _reducer ??= new Reducer(Accelerator, Kernels);

    public Context Context { get; }
    public Accelerator Accelerator { get; }
    public string Name => Accelerator.Name;
    public bool IsCuda => Accelerator.AcceleratorType == AcceleratorType.Cuda;

    /// <summary>Opens CUDA device <paramref name="ordinal"/>. Throws <see cref="NotSupportedException"/> saying what
    /// was found when there is no CUDA driver or no such device.</summary>
    public static GpuDevice OpenCuda(int ordinal)
    {
        Context context;
        try
        {
            context = CreateCudaContext();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException)
        {
            throw new NotSupportedException($"--device cuda:{ordinal}: the CUDA driver could not be loaded ({e.Message}). It needs an NVIDIA GPU with its driver (libcuda) installed; use --device cpu on this machine.", e);
        }
        List<CudaDevice> devices = Devices(context);
        if (devices.Count == 0)
        {
            context.Dispose();
            throw new NotSupportedException("--device cuda: no CUDA device was found (ILGPU lists none: no NVIDIA GPU, or no driver). Use --device cpu, the default.");
        }
        if (ordinal >= devices.Count)
        {
            string names = string.Join(", ", devices.Select((d, i) => $"cuda:{i} {d.Name}"));
            context.Dispose();
            throw new NotSupportedException($"--device cuda:{ordinal}: there are {devices.Count} CUDA device(s): {names}. Pick one of those.");
        }
        try
        {
            return new GpuDevice(context, devices[ordinal].CreateAccelerator(context));
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>ILGPU's CPU accelerator: every kernel runs as .NET code on a few threads, so results equal the
    /// managed code's bit for bit where the arithmetic is the same. For tests at tiny sizes only.</summary>
    public static GpuDevice OpenCpuSimulator()
    {
        var context = Context.Create(b => b.CPU(CPUDeviceKind.Default).Math(MathMode.Default));
        return new GpuDevice(context, context.CreateCPUAccelerator(0));
    }

    /// <summary>The CUDA devices ILGPU can see, one line each (empty when there are none or no driver).</summary>
    public static IReadOnlyList<string> ListCuda()
    {
        try
        {
            using var context = Context.Create(b => b.Cuda());
            return Devices(context).Select((d, i) => $"cuda:{i} {d.Name} (sm_{d.Architecture?.Major}{d.Architecture?.Minor}, {d.MemorySize / (1 << 20)} MiB)").ToArray();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException)
        {
            return [];
        }
    }

    private static Context CreateCudaContext()
    {
        try
        {
            // LibDevice gives double-precision sin/cos/log the CUDA math library's implementations; it is found next
            // to nvcc when the CUDA toolkit is installed. Without it the kernels use ILGPU's own math.
            return Context.Create(b => b.Cuda().LibDevice().Math(MathMode.Default).Optimize(OptimizationLevel.O2));
        }
        catch (NotSupportedException)
        {
            return Context.Create(b => b.Cuda().Math(MathMode.Default).Optimize(OptimizationLevel.O2));
        }
    }

    private static List<CudaDevice> Devices(Context context)
    {
        var list = new List<CudaDevice>();
        foreach (CudaDevice d in context.GetCudaDevices()) list.Add(d);
        return list;
    }

    public void Synchronize() => Accelerator.Synchronize();

    public void Dispose()
    {
        _reducer?.Dispose();
        Accelerator.Dispose();
        Context.Dispose();
    }
}
