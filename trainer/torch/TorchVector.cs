using TorchSharp;
using TrpoEdge.Trainer.Engines;

namespace TrpoEdge.Trainer.Torch;

/// <summary>An <see cref="EngineVector"/> held in a one-dimensional LibTorch tensor (the engine's dtype and device).</summary>
public sealed class TorchVector : EngineVector, IDisposable
{
    public TorchVector(torch.Tensor value) : base(checked((int)value.numel())) => Value = value;

    public torch.Tensor Value { get; }

    public void Dispose() => Value.Dispose();
}
