using TrpoEdge.Trainer.Algorithms;

namespace TrpoEdge.Trainer.Engines;

/// <summary>Computes a stochastic policy π_θ(a|s) and the derivatives TRPO needs, over a batch the engine holds.
/// The algorithm (<see cref="TrpoPolicyStep"/>) owns the control flow and the scalars; the engine owns parameters,
/// batch, activations and vectors, so a GPU engine keeps them on the device and the host sees only doubles.
///
/// Call order: <see cref="StageBatch"/> (or an engine's own device-side staging) → <see cref="ForwardSurrogate"/> at
/// the current θ → any of <see cref="SurrogateGradient"/>, <see cref="MarkReference"/>, <see cref="MeanKl"/>,
/// <see cref="MeanEntropy"/>, which all refer to that forward pass → <see cref="PrepareFisher"/> →
/// <see cref="FisherVectorProduct"/> any number of times. <see cref="SetParameters"/> invalidates the forward pass.
///
/// The engine also mirrors its parameters into the host <see cref="Policies.MlpPolicy"/> it was built from (which
/// acts in rollouts and is saved in checkpoints): <see cref="SyncToHost"/> after an update; for the managed engine
/// the mirror is the engine's own memory and both sync calls cost nothing.</summary>
public interface IPolicyEngine : IDisposable
{
    /// <summary>A short name for logs and tables, e.g. "managed", "torchsharp float64".</summary>
    string Name { get; }

    /// <summary>|θ|: the network's parameters followed by the head's (the Gaussian's log σ).</summary>
    int ParameterCount { get; }

    /// <summary>Vectors of length <see cref="ParameterCount"/>.</summary>
    IVectorAlgebra Vectors { get; }

    void GetParameters(EngineVector destination);

    void SetParameters(EngineVector source);

    /// <summary>Takes the batch (normalised observations, actions, behaviour log-probabilities, advantages) into the
    /// engine; the spans are not kept. Buffers grow to the largest batch and are reused.</summary>
    void StageBatch(in PolicyBatch batch);

    /// <summary>Distribution parameters at the current θ on the staged batch (cached), and the importance-weighted
    /// surrogate L(θ) = 1/N Σ π_θ(a_i|s_i)/π_b(a_i|s_i)·Â_i (Schulman et al. 2015, eq. 14).</summary>
    double ForwardSurrogate();

    /// <summary>∇_θ L at the θ of the last <see cref="ForwardSurrogate"/>.</summary>
    void SurrogateGradient(EngineVector gradient);

    /// <summary>π_old ← the distribution of the last <see cref="ForwardSurrogate"/> (outputs and head), the reference of
    /// <see cref="MeanKl"/>.</summary>
    void MarkReference();

    /// <summary>1/N Σ KL(π_old(·|s_i) ‖ π_θ(·|s_i)) at the last <see cref="ForwardSurrogate"/>.</summary>
    double MeanKl();

    /// <summary>1/N Σ H(π_θ(·|s_i)) at the last <see cref="ForwardSurrogate"/>.</summary>
    double MeanEntropy();

    /// <summary>Fixes the rows the Fisher-vector products average over — every k-th row of the staged batch for a
    /// subsample fraction 1/k (the paper's 10 %), all rows for 1 — at the current θ.</summary>
    void PrepareFisher(double subsample);

    /// <summary>F·v, F the Fisher information of π averaged over the prepared rows, undamped (the caller adds c·v).
    /// Equal to the Hessian of the mean KL(π_θ_old ‖ π_θ) at θ = θ_old.</summary>
    void FisherVectorProduct(EngineVector v, EngineVector result);

    /// <summary>Writes θ into the host policy the engine was built from.</summary>
    void SyncToHost();

    /// <summary>Reads θ from the host policy (after the host changed it, e.g. on loading a checkpoint).</summary>
    void SyncFromHost();
}
