namespace TrpoEdge.Core.Trajectories;

internal enum WriterMessageKind : byte
{
    /// <summary>T holds the episode's index in the run.</summary>
    BeginEpisode,
    Step,
    /// <summary>T holds the episode's length; the slot's observation part holds the final observation.</summary>
    EndEpisode,
    /// <summary>T holds the episode's length: closes it with its status left 'incomplete' (see TrajectoryWriter.AbandonEpisode).</summary>
    AbandonEpisode,
}
