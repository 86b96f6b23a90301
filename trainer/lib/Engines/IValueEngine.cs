namespace TrpoEdge.Trainer.Engines;

/// <summary>Computes the critic V_φ(s) and the gradient of its regression loss. The algorithm
/// (<see cref="Algorithms.ValueFunction"/>) owns epochs, shuffling and Adam's scalars; the engine owns φ, the staged
/// regression set and the vectors. Like <see cref="IPolicyEngine"/> it mirrors φ into the host network it was built
/// from (<see cref="SyncToHost"/>), which checkpoints read.</summary>
public interface IValueEngine : IDisposable
{
    string Name { get; }

    int ParameterCount { get; }

    /// <summary>Vectors of length <see cref="ParameterCount"/>.</summary>
    IVectorAlgebra Vectors { get; }

    /// <summary>φ itself, live: an update through <see cref="IVectorAlgebra.AdamStep"/> changes the critic.</summary>
    EngineVector Parameters { get; }

    /// <summary>V(s) for <paramref name="count"/> rows of normalised observations.</summary>
    void Predict(ReadOnlySpan<float> observations, int count, Span<float> values);

    /// <summary>Takes the regression set (observations and targets) into the engine; the spans are not kept.</summary>
    void StageRegression(ReadOnlySpan<float> observations, ReadOnlySpan<float> targets, int count);

    /// <summary>On the staged rows listed in <paramref name="rows"/> (a minibatch of B rows): writes the gradient of
    /// ½·1/B·Σ (V(s_r) − t_r)² into <paramref name="gradient"/> and returns Σ (V(s_r) − t_r)².</summary>
    double LossGradient(ReadOnlySpan<int> rows, EngineVector gradient);

    /// <summary>Writes φ into the host network the engine was built from.</summary>
    void SyncToHost();

    /// <summary>Reads φ from the host network (after the host changed it, e.g. on loading a checkpoint).</summary>
    void SyncFromHost();
}
