using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Reads logged runs from one or more trajectory stores and keeps those a checkpoint may learn from.
/// A run is accepted when it was recorded on the checkpoint's environment with the same observation and action
/// spaces, and its acting model was exported from this checkpoint or one of its last
/// <see cref="RetrainOptions.MaxPolicyLag"/> ancestors (the checkpoint's lineage). Anything else is refused with
/// the reason, because learning from an unrelated policy's log-probabilities would silently corrupt the update.</summary>
public static class FieldDataLoader
{
    public static FieldBatch Load(IReadOnlyList<string> storePaths, PolicyCheckpoint checkpoint, string checkpointSha256, int maxPolicyLag)
    {
        if (storePaths.Count == 0) throw new ArgumentException("Give at least one trajectory store with --from FILE.db.");
        IReadOnlyList<string> accepted = AcceptedCheckpoints(checkpoint, checkpointSha256, maxPolicyLag);
        int d = checkpoint.ObservationSpace.Size, a = checkpoint.ActionSpace.FlatSize;
        var obs = new List<float>();
        var actions = new List<float>();
        var logProb = new List<double>();
        var rewards = new List<double>();
        var starts = new List<int>();
        var terminated = new List<bool>();
        var bootstrap = new List<float>();
        var provenance = new List<FieldEpisodeRange>();
        var problems = new List<string>();

        foreach (string path in storePaths)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"Trajectory store {path} does not exist.", path);
            using TrajectoryReader reader = TrajectoryReader.Open(path);
            foreach (RunRecord run in reader.Runs)
            {
                string? problem = Check(run.Info, checkpoint, accepted, maxPolicyLag);
                if (problem is not null) { problems.Add($"{path} run {run.Id}: {problem}"); continue; }
                long first = long.MaxValue, last = long.MinValue;
                int episodes = 0, steps = 0;
                foreach (EpisodeData episode in reader.ReadEpisodes(run.Id))
                {
                    int n = episode.TrainableLength;
                    if (n == 0) continue;
                    starts.Add(rewards.Count);
                    obs.AddRange(episode.Observations.AsSpan(0, n * d));
                    actions.AddRange(episode.Actions.AsSpan(0, n * a));
                    logProb.AddRange(episode.LogProbs.AsSpan(0, n));
                    rewards.AddRange(episode.Rewards.AsSpan(0, n));
                    // Terminal only if the episode completed in a terminal state and its last step is trainable.
                    terminated.Add(!episode.BootstrapsAtEnd && n == episode.Length);
                    bootstrap.AddRange(episode.BootstrapObservation);
                    first = Math.Min(first, episode.Id);
                    last = Math.Max(last, episode.Id);
                    episodes++;
                    steps += n;
                }
                if (episodes > 0) provenance.Add(new FieldEpisodeRange(Path.GetFullPath(path), run.Id, first, last, episodes, steps, run.Info.PolicyVersion));
            }
        }
        if (provenance.Count == 0)
        {
            string why = problems.Count > 0 ? " Refused:\n  " + string.Join("\n  ", problems) : " The stores hold no episode with a complete step.";
            throw new InvalidDataException($"No usable field data for checkpoint {checkpointSha256[..12]}… ({checkpoint.EnvId}, policy version {checkpoint.PolicyVersion}).{why}");
        }
        if (problems.Count > 0)
            Console.Error.WriteLine($"warning: skipped {problems.Count} run(s) that do not belong to this checkpoint:\n  " + string.Join("\n  ", problems));
        return new FieldBatch(d, a, obs.ToArray(), actions.ToArray(), logProb.ToArray(), rewards.ToArray(), starts.ToArray(),
            terminated.ToArray(), bootstrap.ToArray(), provenance);
    }

    /// <summary>This checkpoint's SHA-256 followed by its recorded ancestors, nearest first, cut to the allowed lag.</summary>
    public static IReadOnlyList<string> AcceptedCheckpoints(PolicyCheckpoint checkpoint, string checkpointSha256, int maxPolicyLag)
    {
        var list = new List<string> { checkpointSha256 };
        list.AddRange(Lineage.Of(checkpoint));
        return list.Take(maxPolicyLag + 1).ToList();
    }

    private static string? Check(RunInfo run, PolicyCheckpoint checkpoint, IReadOnlyList<string> accepted, int maxPolicyLag)
    {
        if (run.EnvId != checkpoint.EnvId)
            return $"recorded on environment {run.EnvId}, but the checkpoint was trained on {checkpoint.EnvId}.";
        if (!run.ObservationSpace.Equals(checkpoint.ObservationSpace))
            return $"observation space {run.ObservationSpace} differs from the checkpoint's {checkpoint.ObservationSpace}.";
        if (!run.ActionSpace.Equals(checkpoint.ActionSpace))
            return $"action space {run.ActionSpace} differs from the checkpoint's {checkpoint.ActionSpace}.";
        if (run.CheckpointSha256 is not { } acting)
            return "the run does not record which checkpoint its model came from (logged by an older runtime?), so its log-probabilities cannot be trusted.";
        int lag = IndexOf(accepted, acting);
        if (lag < 0)
            return Lineage.Of(checkpoint).Contains(acting)
                ? $"its policy is older than the {maxPolicyLag} checkpoint(s) this retrain accepts (--max-lag {maxPolicyLag}); importance weights that far off-policy are too noisy."
                : $"its model came from checkpoint {acting[..12]}…, which is neither this checkpoint nor one of its ancestors — an unrelated policy.";
        if (run.PolicyVersion > checkpoint.PolicyVersion)
            return $"its policy version {run.PolicyVersion} is newer than the checkpoint's {checkpoint.PolicyVersion}.";
        return null;
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
