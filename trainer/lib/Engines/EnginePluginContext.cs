using System.Reflection;
using System.Runtime.Loader;

namespace TrpoEdge.Trainer.Engines;

/// <summary>Loads an engine assembly and its private dependencies (TorchSharp and the LibTorch natives) from the
/// engine project's build output, through its deps.json, while every TrpoEdge assembly resolves to the trainer's own
/// copy so that the seam's interfaces are the same types on both sides.</summary>
internal sealed class EnginePluginContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;

    public EnginePluginContext(string assemblyPath) : base($"engine:{Path.GetFileNameWithoutExtension(assemblyPath)}")
    {
        _resolver = new AssemblyDependencyResolver(assemblyPath);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is { } name && name.StartsWith("TrpoEdge.", StringComparison.Ordinal)
            && !name.EndsWith(".Torch", StringComparison.Ordinal))
            return null; // shared with the trainer: the default context's copy
        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
