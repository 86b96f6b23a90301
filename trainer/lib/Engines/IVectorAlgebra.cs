namespace TrpoEdge.Trainer.Engines;

/// <summary>The BLAS-1 operations that conjugate gradient, the line search and Adam need, over one engine's vectors.
/// Scalars cross to the host as doubles; elements never do (except through <see cref="Upload"/> and
/// <see cref="Download"/>, for checkpoints and tests). Every operation is defined to the rounding, so an engine that
/// follows the formulas in float32 with double scalars reproduces the managed engine bit for bit; a GPU engine whose
/// reductions run in a different order agrees within float tolerance.</summary>
public interface IVectorAlgebra
{
    /// <summary>Elements of every vector this algebra creates.</summary>
    int Length { get; }

    /// <summary>A new zero vector. Allocates: call at set-up, not per step.</summary>
    EngineVector CreateVector();

    /// <summary>Σ a_i·b_i, accumulated in double.</summary>
    double Dot(EngineVector a, EngineVector b);

    /// <summary>y_i ← y_i + (float)(α·x_i).</summary>
    void Axpy(double alpha, EngineVector x, EngineVector y);

    /// <summary>destination_i ← (float)(x_i + α·y_i), the sum formed in double. destination may be x or y.</summary>
    void Combine(EngineVector destination, EngineVector x, double alpha, EngineVector y);

    /// <summary>x_i ← (float)(α·x_i).</summary>
    void Scale(double alpha, EngineVector x);

    void Copy(EngineVector source, EngineVector destination);

    void Clear(EngineVector x);

    /// <summary>One Adam step on <paramref name="parameters"/> descending <paramref name="gradient"/>, updating the
    /// moments in place, with the step's scalars precomputed on the host (<see cref="Algorithms.AdamCoefficients"/>).</summary>
    void AdamStep(EngineVector parameters, EngineVector gradient, EngineVector firstMoment, EngineVector secondMoment, in Algorithms.AdamCoefficients coefficients);

    /// <summary>Host → vector (length <see cref="Length"/>).</summary>
    void Upload(ReadOnlySpan<float> source, EngineVector destination);

    /// <summary>Vector → host (length <see cref="Length"/>).</summary>
    void Download(EngineVector source, Span<float> destination);
}
