namespace TrpoEdge.Runtime.Plants;

/// <summary>What a rig tells the host about the last <see cref="IPlant.Step"/> beyond the observation: whether it
/// applied the command the host sent for that period (the STATE's ack seq names the ACTION the rig acted on), and
/// whether that STATE came late. The control loop logs only steps whose command was applied, and counts a late
/// STATE as a deadline miss.</summary>
public interface IRigFeedback
{
    /// <summary>True when the STATE that ended the last step acknowledged that step's own ACTION.</summary>
    bool LastActionApplied { get; }
    /// <summary>True when that STATE arrived more than one and a half control periods after the ACTION was sent.</summary>
    bool LastStateLate { get; }
}
