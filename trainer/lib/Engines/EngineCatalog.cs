using System.Reflection;

namespace TrpoEdge.Trainer.Engines;

/// <summary>Resolves <c>trainer train --engine NAME --device DEVICE</c> to an <see cref="IEngineProvider"/>. The
/// managed engine is built in; the TorchSharp engine is a separate project (trainer/torch) loaded from its build
/// output, so neither the trainer nor the runtime carries LibTorch unless it was asked for.</summary>
public static class EngineCatalog
{
    public const string Managed = "managed";
    public const string TorchSharp = "torchsharp";

    /// <summary>Environment variable naming the directory that holds TrpoEdge.Trainer.Torch.dll (default: the
    /// trainer's own directory, then trainer/torch/bin/&lt;configuration&gt;/net10.0 of the source tree).</summary>
    public const string TorchDirectoryVariable = "TRPOEDGE_TORCH_DIR";

    private const string TorchAssembly = "TrpoEdge.Trainer.Torch";
    private const string TorchProvider = "TrpoEdge.Trainer.Torch.TorchEngineProvider";

    public static IReadOnlyList<string> Names { get; } = [Managed, TorchSharp];

    public static IEngineProvider Resolve(string engine, string device)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(device);
        switch (engine.Trim().ToLowerInvariant())
        {
            case Managed:
                if (!string.Equals(device.Trim(), "cpu", StringComparison.OrdinalIgnoreCase))
                    throw new NotSupportedException($"--device {device}: the managed engine runs on the CPU only; use --device cpu.");
                return ManagedEngineProvider.Instance;
            case TorchSharp:
                return LoadTorch(device);
            default:
                throw new ArgumentException($"--engine {engine} is not an engine; use one of: {string.Join(", ", Names)}.");
        }
    }

    private static IEngineProvider LoadTorch(string device)
    {
        var searched = new List<string>();
        foreach (string directory in TorchCandidates())
        {
            string path = Path.GetFullPath(Path.Combine(directory, TorchAssembly + ".dll"));
            searched.Add(path);
            if (!File.Exists(path)) continue;
            var context = new EnginePluginContext(path);
            Assembly assembly = context.LoadFromAssemblyPath(path);
            Type type = assembly.GetType(TorchProvider, throwOnError: true)!;
            try
            {
                return (IEngineProvider)Activator.CreateInstance(type, device)!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
        throw new NotSupportedException(
            "--engine torchsharp: the TorchSharp engine is not built. Build it once with `dotnet build trainer/torch -c Release` " +
            $"(downloads LibTorch, about 270 MB, 0.6 GB on disk) or set {TorchDirectoryVariable} to its build output. Looked for: {string.Join(", ", searched)}.");
    }

    private static IEnumerable<string> TorchCandidates()
    {
        if (Environment.GetEnvironmentVariable(TorchDirectoryVariable) is { Length: > 0 } configured) yield return configured;
        string baseDirectory = AppContext.BaseDirectory;
        yield return baseDirectory;
        // A program of the source tree (<repo>/X/bin/<Configuration>/<framework>/, e.g. trainer/cli or bench) finds the
        // engine's build output of the same configuration at <repo>/trainer/torch/bin/<Configuration>/<framework>/.
        var framework = new DirectoryInfo(baseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        if (framework.Parent is not { } configuration) yield break;
        for (DirectoryInfo? ancestor = configuration.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            string candidate = Path.Combine(ancestor.FullName, "trainer", "torch", "bin", configuration.Name, framework.Name);
            if (Directory.Exists(candidate))
            {
                yield return candidate;
                yield break;
            }
        }
    }
}
