namespace TrpoEdge.Sim.Mujoco;

/// <summary>The MuJoCo native library is missing or is not the version whose data layout this build reads. A
/// <see cref="NotSupportedException"/> so the command-line tools print its one-line message instead of a trace.</summary>
public sealed class MujocoUnavailableException : NotSupportedException
{
    public MujocoUnavailableException(string message) : base(message) { }
    public MujocoUnavailableException(string message, Exception inner) : base(message, inner) { }
}
