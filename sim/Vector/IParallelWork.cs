namespace TrpoEdge.Sim.Vector;

/// <summary>Work split into parts by <see cref="WorkerPool"/>; part 0 runs on the calling thread.</summary>
internal interface IParallelWork
{
    void Execute(int part, int parts);
}
