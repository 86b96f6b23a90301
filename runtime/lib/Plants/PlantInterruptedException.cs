namespace TrpoEdge.Runtime.Plants;

/// <summary>The plant cannot carry the running episode on truthfully, but may serve the next one: the link to the rig
/// broke (broker restart, silence past the link timeout) or someone else took the rig's session. The control loop
/// zeroes the actuator, closes the episode as incomplete in the log and goes on; <see cref="IPlant.Reset"/> then
/// reconnects or says why it cannot.</summary>
public sealed class PlantInterruptedException : IOException
{
    public PlantInterruptedException(string message, Exception? inner = null) : base(message, inner) { }
}
