namespace TrpoEdge.Exporter;

/// <summary>The hidden-layer nonlinearity a checkpoint names ("tanh" or "relu").</summary>
public enum PolicyActivation
{
    Tanh,
    Relu,
}
