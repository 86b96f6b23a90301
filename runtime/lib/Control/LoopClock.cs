namespace TrpoEdge.Runtime.Control;

/// <summary>What set a run's pace.</summary>
public enum LoopClock
{
    /// <summary>Nothing: a simulated plant stepped as fast as it could.</summary>
    FreeRunning,
    /// <summary>The host's clock at a fixed period (<c>--rate</c>); jitter is measured against it.</summary>
    Host,
    /// <summary>The plant's own clock: a rig (serial or MQTT) sends a STATE every control period and the loop
    /// answers each one.</summary>
    Plant,
}
