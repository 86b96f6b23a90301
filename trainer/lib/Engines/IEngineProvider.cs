using TrpoEdge.Trainer.Engine;
using TrpoEdge.Trainer.Policies;

namespace TrpoEdge.Trainer.Engines;

/// <summary>Makes the engines of one kind (managed, TorchSharp, GPU) for the host networks of an agent. The host
/// networks stay the model of record — rollouts act with them, checkpoints save them — and each engine starts from
/// their parameters.</summary>
public interface IEngineProvider
{
    /// <summary>The name <c>trainer train --engine</c> takes.</summary>
    string Name { get; }

    IPolicyEngine CreatePolicyEngine(MlpPolicy policy);

    IValueEngine CreateValueEngine(Mlp network);
}
