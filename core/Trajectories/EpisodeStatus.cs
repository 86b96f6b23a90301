namespace TrpoEdge.Core.Trajectories;

public enum EpisodeStatus
{
    /// <summary>Begun but never ended: the writer crashed or was disposed mid-episode. Train on it as truncated
    /// (see <see cref="EpisodeData.TrainableLength"/>).</summary>
    Incomplete,
    /// <summary>Ended by <see cref="TrajectoryWriter.EndEpisode"/>: its terminated/truncated flags and final observation are known.</summary>
    Complete,
}
