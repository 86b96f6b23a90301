namespace TrpoEdge.Sim.Envs;

/// <summary>Struct-of-arrays storage for Pendulum-v1 states. A lone <see cref="PendulumEnv"/> owns a slot in
/// a state of length 1; <see cref="VectorEnv"/> rebinds its copies to consecutive slots of one shared state
/// so its batch kernel streams through plain arrays while every copy stays a full IEnv view of its slot.</summary>
internal sealed class PendulumBatchState
{
    public PendulumBatchState(int count)
    {
        Th = new double[count];
        ThDot = new double[count];
        SinTh = new double[count];
        Elapsed = new int[count];
        Started = new bool[count];
    }

    public readonly double[] Th;
    public readonly double[] ThDot;
    /// <summary>sin θ of the current state, computed for the observation and reused by the next step's dynamics.</summary>
    public readonly double[] SinTh;
    public readonly int[] Elapsed;
    public readonly bool[] Started;
}
