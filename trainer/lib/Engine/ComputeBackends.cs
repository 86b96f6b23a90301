namespace TrpoEdge.Trainer.Engine;

/// <summary>Shared backend instances and the default choice.</summary>
public static class ComputeBackends
{
    private static readonly Lazy<ManagedBackend> s_managed = new(() => new ManagedBackend());
    private static readonly Lazy<IComputeBackend> s_default = new(ChooseDefault);

    /// <summary>The managed backend with the widest instruction set and two threads.</summary>
    public static ManagedBackend Managed => s_managed.Value;

    /// <summary>What an <see cref="Mlp"/> uses when given no backend. DECISION PENDING MEASUREMENT.</summary>
    public static IComputeBackend Default => s_default.Value;

    private static IComputeBackend ChooseDefault() => Managed;
}
