using TrpoEdge.Core.Checkpoints;
using TrpoEdge.Core.Trajectories;

namespace TrpoEdge.Trainer.Retraining;

/// <summary>Reads logged runs from one or more trajectory stores and keeps the episodes a checkpoint may learn from.
/// <para>A run is skipped (with its reason) when it was recorded on another environment or spaces. An episode is
/// skipped (with run, episode and reason) when its acting policy is unknown, is not this checkpoint or one of its
/// ancestors (the checkpoint's lineage), is more than <see cref="RetrainOptions.MaxPolicyLag"/> accepted updates
/// behind it, when it carries no behaviour log-probabilities (a run without --explore), or when it is still being
/// written. Data that is damaged — a non-finite log-probability, observation, action or reward inside an exploration
/// episode, or a step whose policy version differs from its episode's — stops the retrain with the run, episode and
/// step named: a logger or sensor that produces it must be fixed, and silently dropping it would bias the update.</para></summary>
public static class FieldDataLoader
{
    /// <summary>An incomplete episode of a run whose writer is unknown (collected over MQTT, or a version-1 store) and
    /// whose last step is younger than this is taken as still being written, not cut by a crash.</summary>
    public static readonly TimeSpan StillWritingWindow = TimeSpan.FromMinutes(2);

    public static FieldBatch Load(IReadOnlyList<string> storePaths, PolicyCheckpoint checkpoint, string checkpointSha256, int maxPolicyLag)
    {
        if (storePaths.Count == 0) throw new ArgumentException("Give at least one trajectory store with --from FILE.db.");
        IReadOnlyList<string> lineage = Lineage.Of(checkpoint);
        int d = checkpoint.ObservationSpace.Size, a = checkpoint.ActionSpace.FlatSize;
        var obs = new List<float>();
        var actions = new List<float>();
        var logProb = new List<double>();
        var rewards = new List<double>();
        var starts = new List<int>();
        var terminated = new List<bool>();
        var bootstrap = new List<float>();
        var episodeGroup = new List<int>();
        var names = new List<string>();
        var groups = new List<BehaviourGroup>();
        var provenance = new List<FieldEpisodeRange>();
        var problems = new List<string>();
        var damaged = new List<string>();

        foreach (string path in storePaths)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"Trajectory store {path} does not exist.", path);
            using TrajectoryReader reader = TrajectoryReader.Open(path);
            foreach (RunRecord run in reader.Runs)
            {
                string where = $"{path} run {run.Id}";
                string? problem = CheckRun(run.Info, checkpoint);
                if (problem is not null) { problems.Add($"{where}: {problem}"); continue; }
                bool beingWritten = run.IsBeingWritten;
                long first = long.MaxValue, last = long.MinValue;
                int episodes = 0, steps = 0;
                foreach (EpisodeData episode in reader.ReadEpisodes(run.Id))
                {
                    string at = $"{where} episode {episode.Id} (#{episode.IndexInRun} of the run)";
                    if (episode.Status == EpisodeStatus.Incomplete && StillBeingWritten(run, episode, beingWritten) is { } writing)
                    {
                        problems.Add($"{at}: {writing}");
                        continue;
                    }
                    int n = episode.TrainableLength;
                    if (n == 0) continue;
                    (ActingPolicy? acting, string? unknown) = ActingPolicyOf(run, episode);
                    if (acting is null) { problems.Add($"{at}: {unknown}"); continue; }
                    string? membership = CheckMembership(acting, checkpoint, checkpointSha256, lineage, maxPolicyLag, out long lag);
                    if (membership is not null) { problems.Add($"{at}: {membership}"); continue; }
                    if (AllNaN(episode.LogProbs, n))
                    {
                        problems.Add($"{at}: no behaviour log-probabilities (logged without --explore: a deterministic policy's actions say nothing about how likely another policy was to take them).");
                        continue;
                    }
                    if (CheckSteps(episode, n, acting) is { } bad) { damaged.Add($"{at} {bad}"); continue; }

                    int group = GroupOf(groups, acting, lag, acting.CheckpointSha256 == checkpointSha256);
                    groups[group].Episodes++;
                    groups[group].Steps += n;
                    episodeGroup.Add(group);
                    names.Add($"{path} run {run.Id} episode {episode.Id}");
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
        if (damaged.Count > 0)
            throw new InvalidDataException($"Refusing to retrain: {damaged.Count} episode(s) hold values an off-policy update cannot use. Fix the logger or sensor that wrote them, or leave these stores out:\n  "
                + string.Join("\n  ", damaged.Take(20)) + (damaged.Count > 20 ? $"\n  … and {damaged.Count - 20} more" : ""));
        if (provenance.Count == 0)
        {
            string why = problems.Count > 0 ? " Refused:\n  " + string.Join("\n  ", problems.Take(20)) + (problems.Count > 20 ? $"\n  … and {problems.Count - 20} more" : "")
                : " The stores hold no episode with a complete step.";
            throw new InvalidDataException($"No usable field data for checkpoint {checkpointSha256[..12]}… ({checkpoint.EnvId}, policy version {checkpoint.PolicyVersion}).{why}");
        }
        if (problems.Count > 0)
            Console.Error.WriteLine($"warning: skipped {problems.Count} run(s)/episode(s) this checkpoint cannot learn from:\n  "
                + string.Join("\n  ", problems.Take(20)) + (problems.Count > 20 ? $"\n  … and {problems.Count - 20} more" : ""));
        return new FieldBatch(d, a, obs.ToArray(), actions.ToArray(), logProb.ToArray(), rewards.ToArray(), starts.ToArray(),
            terminated.ToArray(), bootstrap.ToArray(), provenance, episodeGroup.ToArray(), groups, names);
    }

    internal static string? CheckRun(RunInfo run, PolicyCheckpoint checkpoint)
    {
        if (run.EnvId != checkpoint.EnvId)
            return $"recorded on environment {run.EnvId}, but the checkpoint was trained on {checkpoint.EnvId}.";
        if (!run.ObservationSpace.Equals(checkpoint.ObservationSpace))
            return $"observation space {run.ObservationSpace} differs from the checkpoint's {checkpoint.ObservationSpace}.";
        if (!run.ActionSpace.Equals(checkpoint.ActionSpace))
            return $"action space {run.ActionSpace} differs from the checkpoint's {checkpoint.ActionSpace}.";
        return null;
    }

    /// <summary>The episode's recorded acting policy. A version-1 store records none: the run's policy is used only
    /// when every step's version equals the run's (a runtime that switched policy inside the run cannot be trusted).</summary>
    private static (ActingPolicy?, string?) ActingPolicyOf(RunRecord run, EpisodeData episode)
    {
        ActingPolicy? acting = episode.Policy;
        if (acting is null)
        {
            acting = ActingPolicy.Of(run.Info);
            for (int t = 0; t < episode.Length; t++)
                if (episode.PolicyVersions[t] != acting.Version)
                    return (null, $"unknown acting policy: the store does not record the episode's policy, and step {t} was taken by policy version {episode.PolicyVersions[t]}, not the run's {acting.Version} (a runtime that switched policy within the run).");
        }
        if (acting.CheckpointSha256 is null)
            return (null, "unknown acting policy: the log does not record which checkpoint the acting model came from (logged by an older runtime?), so its log-probabilities cannot be attributed.");
        return (acting, null);
    }

    private static string? CheckMembership(ActingPolicy acting, PolicyCheckpoint checkpoint, string checkpointSha256, IReadOnlyList<string> lineage, int maxPolicyLag, out long lag)
    {
        lag = checkpoint.PolicyVersion - acting.Version;
        string sha = acting.CheckpointSha256!;
        if (sha == checkpointSha256)
            return acting.Version == checkpoint.PolicyVersion ? null
                : $"it names this checkpoint but policy version {acting.Version}, not the checkpoint's {checkpoint.PolicyVersion}; the log is inconsistent.";
        if (!lineage.Contains(sha))
            return $"its model came from checkpoint {sha[..12]}…, which is neither this checkpoint nor one of its recorded ancestors — an unrelated policy.";
        if (lag <= 0)
            return $"its acting policy (version {acting.Version}) is an ancestor of this checkpoint (version {checkpoint.PolicyVersion}) but not older; the versions are inconsistent.";
        if (lag > maxPolicyLag)
            return $"its policy is {lag} accepted updates older than this checkpoint (version {acting.Version} vs {checkpoint.PolicyVersion}), more than --max-lag {maxPolicyLag}; importance weights that far off-policy are too noisy.";
        return null;
    }

    internal static string? StillBeingWritten(RunRecord run, EpisodeData episode, bool writerAlive)
    {
        if (run.EndedAt is not null) return null;
        if (episode.EndedAt is not null) return null; // closed by its writer without an end (an interrupted rig link): finished
        if (writerAlive)
            return $"still being written (process {run.WriterPid} on this machine has not closed the run); retrain once it ends, or stop it first.";
        if (run.WriterPid is null && episode.TimestampsNs.Length > 0)
        {
            long age = TrajectoryWriter.NowUnixNs() - episode.TimestampsNs[^1];
            if (age < StillWritingWindow.Ticks * 100)
                return $"incomplete, its last step only {age / 1e9:F0} s old, and its writer unknown: it may still be being written; retrain later.";
        }
        return null; // cut by a crash: trained on as truncated
    }

    /// <summary>Null when every trainable step is usable; otherwise "step T: what".</summary>
    private static string? CheckSteps(EpisodeData e, int n, ActingPolicy acting)
    {
        int d = e.ObservationSize, a = e.ActionSize;
        for (int t = 0; t < n; t++)
        {
            if (!double.IsFinite(e.LogProbs[t]))
                return $"step {t}: behaviour log-probability is {Show(e.LogProbs[t])} in an exploration episode.";
            for (int j = 0; j < d; j++)
                if (!float.IsFinite(e.Observations[t * d + j])) return $"step {t}: observation[{j}] is {Show(e.Observations[t * d + j])}.";
            for (int j = 0; j < a; j++)
                if (!float.IsFinite(e.Actions[t * a + j])) return $"step {t}: action[{j}] is {Show(e.Actions[t * a + j])}.";
            if (!double.IsFinite(e.Rewards[t])) return $"step {t}: reward is {Show(e.Rewards[t])}.";
            if (e.PolicyVersions[t] != acting.Version)
                return $"step {t}: taken by policy version {e.PolicyVersions[t]}, but the episode records {acting}.";
        }
        ReadOnlySpan<float> boot = e.BootstrapObservation;
        for (int j = 0; j < boot.Length; j++)
            if (!float.IsFinite(boot[j])) return $"step {n}: the observation after the last step, [{j}], is {Show(boot[j])}.";
        return null;
    }

    private static string Show(double v) => double.IsNaN(v) ? "NaN" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool AllNaN(double[] values, int n)
    {
        for (int i = 0; i < n; i++) if (!double.IsNaN(values[i])) return false;
        return true;
    }

    private static int GroupOf(List<BehaviourGroup> groups, ActingPolicy acting, long lag, bool isCheckpoint)
    {
        for (int i = 0; i < groups.Count; i++)
            if (groups[i].Policy.CheckpointSha256 == acting.CheckpointSha256 && groups[i].Policy.Version == acting.Version) return i;
        groups.Add(new BehaviourGroup(acting, lag, isCheckpoint));
        return groups.Count - 1;
    }
}
