using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Trajectories;
using TrpoEdge.Sim;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Reads logged rig episodes for system identification (<see cref="RigIdentifier"/>). Unlike the data a
/// policy update learns from, the plant's dynamics do not depend on which policy acted or whether it explored, so
/// every episode of a run on the checkpoint's rig and spaces serves: deterministic runs, old policies' runs, runs of
/// any lineage. Episodes still being written and episodes with non-finite values are left out (and counted).</summary>
public static class FieldDynamicsLoader
{
    public static IReadOnlyList<RigEpisode> Load(IEnumerable<string> storePaths, PolicyCheckpoint checkpoint, out IReadOnlyList<string> skipped)
    {
        var episodes = new List<RigEpisode>();
        var notes = new List<string>();
        if (checkpoint.ObservationSpace.Size != 3 || checkpoint.ActionSpace.FlatSize != 1)
            throw new ArgumentException($"Identification fits a pendulum rig (observation [cos θ, sin θ, θ̇], one command); the checkpoint ({checkpoint.EnvId}) has {checkpoint.ObservationSpace.Size} observation and {checkpoint.ActionSpace.FlatSize} action values.");
        foreach (string path in storePaths.Distinct())
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"Trajectory store {path} does not exist.", path);
            using TrajectoryReader reader = TrajectoryReader.Open(path);
            foreach (RunRecord run in reader.Runs)
            {
                if (FieldDataLoader.CheckRun(run.Info, checkpoint) is { } problem) { notes.Add($"{path} run {run.Id}: {problem}"); continue; }
                bool beingWritten = run.IsBeingWritten;
                foreach (EpisodeData episode in reader.ReadEpisodes(run.Id))
                {
                    string at = $"{path} run {run.Id} episode {episode.Id}";
                    if (episode.Status == EpisodeStatus.Incomplete && FieldDataLoader.StillBeingWritten(run, episode, beingWritten) is { } writing)
                    {
                        notes.Add($"{at}: {writing}");
                        continue;
                    }
                    int n = episode.TrainableLength;
                    if (n == 0) continue;
                    var observations = new float[3 * (n + 1)];
                    episode.Observations.AsSpan(0, 3 * n).CopyTo(observations);
                    episode.BootstrapObservation.CopyTo(observations.AsSpan(3 * n));
                    try { episodes.Add(new RigEpisode(observations, episode.Actions.AsSpan(0, n).ToArray())); }
                    catch (ArgumentException e) { notes.Add($"{at}: {e.Message}"); }
                }
            }
        }
        skipped = notes;
        return episodes;
    }
}
