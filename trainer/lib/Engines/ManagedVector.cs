namespace TrpoEdge.Trainer.Engines;

/// <summary>An <see cref="EngineVector"/> held in a managed array (possibly an engine's own parameter array).</summary>
public sealed class ManagedVector : EngineVector
{
    public ManagedVector(float[] data) : base(data.Length) => Data = data;

    public float[] Data { get; }

    public Span<float> Span => Data;
}
