namespace TrpoEdge.Trainer.Engines;

/// <summary>A vector of policy or value parameters that lives where its engine computes: a managed array, a LibTorch
/// tensor, a GPU buffer. The training algorithms never read its elements; they combine vectors only through the
/// engine's <see cref="IVectorAlgebra"/>, so conjugate gradient and the line search run wherever the data is. Created
/// once per algorithm instance (<see cref="IVectorAlgebra.CreateVector"/>), never per step.</summary>
public abstract class EngineVector
{
    protected EngineVector(int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "A vector length must be zero or more.");
        Length = length;
    }

    public int Length { get; }
}
