namespace TrpoEdge.Trainer.Engine;

/// <summary>The outcome of loading OpenBLAS: either <see cref="Error"/> (why it is unusable) or the entry points.
/// Optional exports (thread control, core name) are null pointers when the library lacks them.</summary>
internal sealed unsafe class OpenBlasLibrary
{
    public string? Error { get; init; }
    public string? Path { get; init; }
    public delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm { get; init; }
    public delegate* unmanaged[Cdecl]<int, void> SetNumThreads { get; init; }
    public delegate* unmanaged[Cdecl]<int> GetNumThreads { get; init; }
    public delegate* unmanaged[Cdecl]<byte*> GetCoreName { get; init; }
}
