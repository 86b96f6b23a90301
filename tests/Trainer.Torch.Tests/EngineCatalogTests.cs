using TrpoEdge.Trainer.Engines;

namespace TrpoEdge.Trainer.Torch.Tests;

/// <summary>How <c>trainer train --engine/--device</c> resolves, with the real TorchSharp engine built next to the tests.</summary>
public sealed class EngineCatalogTests
{
    [Fact]
    public void Torchsharp_loads_from_its_build_output_through_the_plugin_context()
    {
        IEngineProvider provider = EngineCatalog.Resolve("torchsharp", "cpu");
        Assert.Equal("torchsharp", provider.Name);
        Assert.NotSame(typeof(TorchEngineProvider), provider.GetType()); // a second load context, sharing only the seam's types
    }

    [Fact]
    public void Cuda_is_refused_with_what_to_do_where_libtorch_has_none()
    {
        var e = Assert.Throws<NotSupportedException>(() => EngineCatalog.Resolve("torchsharp", "cuda"));
        Assert.Contains("no CUDA device", e.Message);
        Assert.Contains("--device cpu", e.Message);
        var managed = Assert.Throws<NotSupportedException>(() => EngineCatalog.Resolve("managed", "cuda:0"));
        Assert.Contains("CPU only", managed.Message);
    }

    [Fact]
    public void An_unknown_engine_names_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => EngineCatalog.Resolve("tensorflow", "cpu"));
        Assert.Contains("managed, torchsharp", e.Message);
    }
}
