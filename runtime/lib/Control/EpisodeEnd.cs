namespace TrpoEdge.Runtime.Control;

/// <summary>Why an episode ended.</summary>
public enum EpisodeEnd
{
    /// <summary>The plant reached a terminal state (e.g. CartPole fell).</summary>
    Terminated,
    /// <summary>The plant's time limit.</summary>
    TimeLimit,
    /// <summary>The loop's own step cap (<see cref="ControlLoopOptions.MaxStepsPerEpisode"/>).</summary>
    StepLimit,
    /// <summary>The safety layer's angle or velocity limit.</summary>
    SafetyLimit,
    /// <summary>The policy produced a NaN/infinite (or invalid discrete) action: zero action sent, episode ended.</summary>
    Fault,
    /// <summary>Stopped by the user (Ctrl-C, SIGTERM) or the caller's token.</summary>
    Cancelled,
    /// <summary>The plant could not carry the episode on (the link to the rig broke, or its session was taken): zero
    /// action sent, the episode closed as incomplete in the log, the run goes on with the next.</summary>
    Interrupted,
}
