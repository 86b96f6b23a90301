using System.Globalization;
using TrpoEdge.Core.Checkpoints;

namespace TrpoEdge.Trainer.Training;

/// <summary>Keeps the best policy of a run (<see cref="TrainingOptions.KeepBest"/>): every periodic evaluation that beats
/// all earlier ones writes the whole checkpoint to best.safetensors in the run folder, atomically (temp file + rename,
/// as ckpt.safetensors), so Ctrl-C or a crash leaves the best so far on disk. The file describes itself (metadata
/// extra.best.*: the selecting evaluation's mean, episodes and first seed), so a resumed run reads it back and goes on
/// from it. At the end <see cref="Compare"/> replays the final evaluation's episodes with it: a few-episode periodic
/// mean can pick a lucky policy, and the many-episode figure is what decides which policy is exported.</summary>
public sealed class BestPolicyKeeper
{
    public const string FileName = "best.safetensors";

    /// <summary>Metadata keys (under extra.) that describe a best file's selection. They belong to that file only:
    /// <see cref="Agent.FromCheckpoint"/> drops them, so a checkpoint trained on from a best file does not claim them.</summary>
    public const string ExtraPrefix = "best.";
    private const string ReturnKey = ExtraPrefix + "selection_return_mean";
    private const string EpisodesKey = ExtraPrefix + "selection_episodes";
    private const string SeedKey = ExtraPrefix + "eval_seed";

    private readonly int _episodes;
    private readonly ulong _seed;

    /// <param name="outputDirectory">The run folder; best.safetensors is written there.</param>
    /// <param name="options">The run's options: periodic evaluations are <see cref="TrainingOptions.EvalEpisodes"/>
    /// episodes from <see cref="TrainingRun.EvalSeed"/>.</param>
    public BestPolicyKeeper(string outputDirectory, TrainingOptions options)
    {
        Path = System.IO.Path.Combine(outputDirectory, FileName);
        _episodes = options.EvalEpisodes;
        _seed = TrainingRun.EvalSeed(options);
    }

    public string Path { get; }

    /// <summary>The best policy so far; null before the first periodic evaluation.</summary>
    public BestPolicy? Best { get; private set; }

    /// <summary>A run that starts from step 0 owns its folder afresh: a best file left there by an earlier run (the
    /// folder was reused with --force) is removed, so it can neither be exported nor read back by a later --resume.</summary>
    public static void DiscardStale(string outputDirectory)
    {
        string path = System.IO.Path.Combine(outputDirectory, FileName);
        if (File.Exists(path)) File.Delete(path);
    }

    /// <summary>On a resumed run: reads the run folder's best.safetensors back, when it is there, of this environment
    /// and scored by the same periodic evaluation (episodes and seeds) as this run's, so its figure compares with the
    /// coming ones. Returns a line for the user saying what was kept or why not (null when there is no file); a file
    /// that cannot be used is left in place and replaced by the first periodic evaluation.</summary>
    public string? Restore(string envId)
    {
        if (!File.Exists(Path)) return null;
        PolicyCheckpoint checkpoint;
        try
        {
            checkpoint = PolicyCheckpoint.Load(Path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return $"{Path} cannot be read ({e.Message}); starting the best afresh, the first periodic evaluation replaces it.";
        }
        if (checkpoint.EnvId != envId)
            return $"{Path} holds a {checkpoint.EnvId} policy, not {envId}; starting the best afresh, the first periodic evaluation replaces it.";
        if (!checkpoint.Extra.TryGetValue(ReturnKey, out string? r) || !double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out double selection)
            || !checkpoint.Extra.TryGetValue(EpisodesKey, out string? n) || !int.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out int episodes)
            || !checkpoint.Extra.TryGetValue(SeedKey, out string? s) || !ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong seed))
            return $"{Path} does not say which evaluation selected it (metadata extra.{ReturnKey}, extra.{EpisodesKey}, extra.{SeedKey}); starting the best afresh, the first periodic evaluation replaces it.";
        if (episodes != _episodes || seed != _seed)
            return $"{Path} was selected by a {episodes}-episode evaluation from seed {seed}; this run evaluates {_episodes} episodes from seed {_seed}, "
                + "so the figures do not compare; starting the best afresh, the first periodic evaluation replaces it.";
        Best = new BestPolicy(Path, PolicyCheckpoint.Sha256Of(Path), checkpoint.TotalSteps, checkpoint.PolicyVersion, selection, episodes, seed);
        return $"keeping the best so far: {Path} from step {Best.TotalSteps:N0} ({episodes}-episode evaluation {selection:F1}).";
    }

    /// <summary>Called with every periodic evaluation's mean: when it beats the best so far (strictly; NaN never does),
    /// writes <paramref name="snapshot"/>'s checkpoint, given the metadata that describes the selection, and returns true.</summary>
    public bool Offer(double evalMean, long totalSteps, long policyVersion, Func<IReadOnlyDictionary<string, string>, PolicyCheckpoint> snapshot)
    {
        if (!(evalMean > (Best?.SelectionReturnMean ?? double.NegativeInfinity))) return false;
        var extra = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ReturnKey] = evalMean.ToString("R", CultureInfo.InvariantCulture),
            [EpisodesKey] = _episodes.ToString(CultureInfo.InvariantCulture),
            [SeedKey] = _seed.ToString(CultureInfo.InvariantCulture),
        };
        string sha = snapshot(extra).Save(Path);
        Best = new BestPolicy(Path, sha, totalSteps, policyVersion, evalMean, _episodes, _seed);
        return true;
    }

    /// <summary>The final comparison: the best file's policy plays the episodes the final policy's evaluation played
    /// (<paramref name="evaluate"/> runs them: same count, same seeds), and the higher mean wins; a tie keeps the final
    /// policy. When the best file holds the final policy itself (no update since it was written) its figure is the
    /// final one and nothing is replayed. Null without a best file.</summary>
    public BestComparison? Compare(Agent final, double finalMean, double finalStd, Func<Agent, double[]> evaluate)
    {
        if (Best is not { } best) return null;
        // Read back what is on disk: that file, not a copy in memory, is what gets exported.
        Agent kept = Agent.FromCheckpoint(PolicyCheckpoint.Load(best.Path), final.Options);
        if (SamePolicy(kept, final)) return new BestComparison(best, finalMean, finalStd, Chosen: false, SameAsFinal: true);
        var (mean, std) = Statistics.MeanStd(evaluate(kept));
        return new BestComparison(best, mean, std, Chosen: mean > finalMean, SameAsFinal: false);
    }

    private static bool SamePolicy(Agent a, Agent b)
    {
        if (a.Policy.ParameterCount != b.Policy.ParameterCount) return false;
        var pa = new float[a.Policy.ParameterCount];
        var pb = new float[b.Policy.ParameterCount];
        a.Policy.GetParameters(pa);
        b.Policy.GetParameters(pb);
        ObservationNormState na = a.Normalizer.Export(), nb = b.Normalizer.Export();
        return pa.AsSpan().SequenceEqual(pb) && na.Mean.AsSpan().SequenceEqual(nb.Mean) && na.Var.AsSpan().SequenceEqual(nb.Var) && na.Count == nb.Count;
    }
}
