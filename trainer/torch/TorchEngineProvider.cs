using TorchSharp;
using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Engines;
using TrpoEdge.Trainer.Policies;
using static TorchSharp.torch;

namespace TrpoEdge.Trainer.Torch;

/// <summary>The TorchSharp engines (LibTorch 2.10 through TorchSharp 0.107). <c>--device cuda[:N]</c> needs a CUDA
/// build of LibTorch 2.10, which this project does not ship (it references the CPU natives only); the constructor
/// checks what LibTorch reports and says so.</summary>
public sealed class TorchEngineProvider : IEngineProvider
{
    /// <summary>Environment variable: LibTorch's intra-op threads (default 1).</summary>
    public const string ThreadsVariable = "TRPOEDGE_TORCH_THREADS";

    private readonly ScalarType _dtype;
    private readonly Device _device;

    /// <summary>Float32 on the given device ("cpu", "cuda", "cuda:1").</summary>
    public TorchEngineProvider(string device) : this(device, ScalarType.Float32)
    {
    }

    public TorchEngineProvider(string device, ScalarType dtype)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"The TorchSharp engine computes in float32 or float64, not {dtype}.", nameof(dtype));
        EnsureLoaded();
        // One LibTorch thread unless told otherwise: these networks are small, and on a busy 2-core machine LibTorch's
        // OpenMP pool spinning against other processes made a CartPole run 13× slower (60 against 800 steps/s).
        int threads = int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out int t) && t > 0 ? t : 1;
        if (get_num_threads() != threads) set_num_threads(threads);
        _dtype = dtype;
        _device = ParseDevice(device);
    }

    public string Name => "torchsharp";

    public ScalarType Dtype => _dtype;

    public Device Device => _device;

    public IPolicyEngine CreatePolicyEngine(MlpPolicy policy) => new TorchPolicyEngine(policy, _dtype, _device);

    public IValueEngine CreateValueEngine(Mlp network) => new TorchValueEngine(network, _dtype, _device);

    /// <summary>Loads LibTorch now, turning the failure (missing natives, a libstdc++ too old for them) into a
    /// <see cref="NotSupportedException"/> that says what to do, instead of a type-initialiser crash later.</summary>
    public static void EnsureLoaded()
    {
        // On a failed load TorchSharp prints a page-long loader trace to the console; keep it out of the CLI's
        // output (the exception carries it) and say the cause in one line below.
        TextWriter stdout = Console.Out, stderr = Console.Error;
        try
        {
            Console.SetOut(TextWriter.Null);
            Console.SetError(TextWriter.Null);
            using Tensor probe = ones(1);
        }
        catch (Exception e) when (e is TypeInitializationException or NotSupportedException or DllNotFoundException or InvalidOperationException)
        {
            Exception root = e;
            while (root.InnerException is not null) root = root.InnerException;
            // TorchSharp's message is a page-long loader trace; the user needs its cause.
            string cause = e.ToString().Contains("GLIBCXX_3.4.32", StringComparison.Ordinal)
                ? "the system libstdc++ lacks GLIBCXX_3.4.32, which libLibTorchSharp.so (built with GCC 13) requires."
                : root.Message.Trim().Split('\n')[0];
            throw new NotSupportedException(
                "The TorchSharp engine could not load LibTorch: " + cause + " " +
                "On Linux whose libstdc++ lacks GLIBCXX_3.4.32 (Debian 12) the build patches libLibTorchSharp.so; install g++ and patchelf " +
                "(apt-get install g++ patchelf) and rebuild with: dotnet build trainer/torch -c Release. Or use --engine managed.", e);
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    private static Device ParseDevice(string device)
    {
        string d = device.Trim().ToLowerInvariant();
        if (d == "cpu") return CPU;
        if (d == "cuda" || d.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (d.Length > 5 && !int.TryParse(d.AsSpan(5), out index))
                throw new ArgumentException($"--device {device}: the CUDA device index must be a number, e.g. cuda:0.");
            if (!cuda.is_available())
                throw new NotSupportedException(
                    $"--device {device}: LibTorch reports no CUDA device. This build carries the CPU LibTorch only (no CUDA TorchSharp or LibTorch package is available to it); use --device cpu.");
            if (index >= cuda.device_count())
                throw new ArgumentException($"--device {device}: LibTorch sees {cuda.device_count()} CUDA device(s), numbered from 0.");
            return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"--device {device} is not a device: use cpu, cuda or cuda:N.");
    }
}
